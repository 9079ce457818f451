package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TerminalTest {

    @Test
    void windowSizeSetOnMasterIsSeenOnSlave() throws Exception {
        Terminal.PtyPair p = Terminal.openPtyPair();
        try {
            assertTrue(p.slavePath().startsWith("/dev/pts/"), p.slavePath());
            Terminal.setWindowSize(p.master(), 30, 100);
            assertEquals(new Terminal.Size(30, 100), Terminal.getWindowSize(p.slave()));
            Terminal.setWindowSize(p.master(), 65535, 1);
            assertEquals(new Terminal.Size(65535, 1), Terminal.getWindowSize(p.master()));
        } finally {
            Posix.close(p.master());
            Posix.close(p.slave());
        }
    }

    @Test
    void bytesFlowFromSlaveToMaster() throws Exception {
        Terminal.PtyPair p = Terminal.openPtyPair();
        try {
            Posix.writeFully(p.slave(), "abc".getBytes(StandardCharsets.UTF_8));
            assertNotEquals(0, Posix.poll(new int[] {p.master()}, 2000)[0]);
            byte[] buf = new byte[16];
            int n = Posix.read(p.master(), buf, 0, 16);
            assertEquals("abc", new String(buf, 0, n, StandardCharsets.UTF_8));
        } finally {
            Posix.close(p.master());
            Posix.close(p.slave());
        }
    }

    @Test
    void windowSizeOfANonTtyIsAnError() throws Exception {
        int[] pipe = Posix.pipe();
        try {
            SysException e = assertThrows(SysException.class, () -> Terminal.getWindowSize(pipe[0]));
            assertEquals("ioctl", e.call());
            assertEquals("ioctl TIOCGWINSZ fd " + pipe[0] + ": inappropriate ioctl for device", e.getMessage());
        } finally {
            Posix.close(pipe[0]);
            Posix.close(pipe[1]);
        }
    }

    @Test
    void mkfifoAndChmod(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("f");
        Fs.mkfifo(f.toString(), 0600);
        int mode = (int) Files.getAttribute(f, "unix:mode");
        assertEquals(0010000, mode & 0170000, "S_IFIFO");
        Fs.chmod(f.toString(), 0755 | Fs.S_ISVTX);
        assertEquals(0755 | Fs.S_ISVTX, (int) Files.getAttribute(f, "unix:mode") & 07777);
        SysException e = assertThrows(SysException.class, () -> Fs.mkfifo(f.toString(), 0600));
        assertEquals(Errno.EEXIST, e.errno());
        assertEquals("mkfifo " + f + ": file exists", e.getMessage());
    }
}
