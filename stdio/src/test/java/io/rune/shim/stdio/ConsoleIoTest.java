package io.rune.shim.stdio;

import static org.junit.jupiter.api.Assertions.*;


import io.rune.shim.sys.Errno;
import io.rune.shim.sys.FdPassing;
import io.rune.shim.sys.Fs;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import io.rune.shim.sys.Terminal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class ConsoleIoTest {
    @TempDir Path dir;

    private String fifo(String name) throws SysException {
        String p = dir.resolve(name).toString();
        Fs.mkfifo(p, 0600);
        return p;
    }

    /** What rune does with --console-socket: make a pty, send the master, keep the slave for the process. */
    private static int fakeRune(String socket) throws Exception {
        Terminal.PtyPair pty = Terminal.openPtyPair();
        int c = FdPassing.connect(socket);
        try {
            FdPassing.sendFd(c, pty.master(), "/dev/ptmx".getBytes(StandardCharsets.UTF_8));
        } finally {
            Posix.close(c);
            Posix.close(pty.master());
        }
        return pty.slave();
    }

    private static String readExactly(int fd, int n) throws SysException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + 3_000_000_000L;
        byte[] buf = new byte[256];
        while (got.size() < n) {
            int left = (int) ((deadline - System.nanoTime()) / 1_000_000);
            if (left <= 0 || Posix.poll(new int[] {fd}, left)[0] == 0) break;
            int r = Posix.read(fd, buf, 0, Math.min(256, n - got.size()));
            if (r < 0) break;
            got.write(buf, 0, r);
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    private static int openReader(String fifo) throws SysException {
        int fd = Posix.open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
        Posix.setBlocking(fd, true);
        return fd;
    }

    /** True while the FIFO has a reader: a non-blocking writer open fails with ENXIO without one. */
    private static boolean hasReader(String fifo) throws SysException {
        try {
            Posix.close(Posix.open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK, 0));
            return true;
        } catch (SysException e) {
            if (e.errno() == 6 /* ENXIO */) return false;
            throw e;
        }
    }

    private static boolean readerGone(String fifo) throws Exception {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (hasReader(fifo)) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(5);
        }
        return true;
    }

    @Test
    void copiesBothWaysResizesAndEndsWhenTheSlaveCloses() throws Exception {
        String in = fifo("in"), out = fifo("out");
        ConsoleIo io = ConsoleIo.open("c1", new StdioPaths(in, out, "", true), 0, 0);
        int reader = openReader(out), client = -1, slave = -1;
        try {
            Path sock = Path.of(io.consoleSocket());
            assertTrue(sock.isAbsolute());
            assertEquals("pty.sock", sock.getFileName().toString());
            assertTrue(sock.getParent().getFileName().toString().startsWith("pty"));
            assertTrue(Files.exists(sock));
            assertEquals(StdioFds.NULL, io.fds());
            assertTrue(io.awaitOutput(Duration.ZERO), "nothing to wait for before started()");
            io.resize(100, 30); // before the master exists: applied once it arrives

            slave = fakeRune(io.consoleSocket());
            io.started();
            assertFalse(Files.exists(sock.getParent()), "socket dir removed after the handshake");
            assertEquals(new Terminal.Size(30, 100), Terminal.getWindowSize(slave));
            io.resize(120, 40);
            assertEquals(new Terminal.Size(40, 120), Terminal.getWindowSize(slave));

            // process output → stdout FIFO
            Posix.writeFully(slave, "hello".getBytes(StandardCharsets.UTF_8));
            assertEquals("hello", readExactly(reader, 5));

            // stdin FIFO → process (canonical mode: a line), and the terminal's echo → stdout FIFO
            client = Posix.open(in, Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
            Posix.writeFully(client, "ping\n".getBytes(StandardCharsets.UTF_8));
            assertEquals("ping\n", readExactly(slave, 5));
            assertEquals("ping\r\n", readExactly(reader, 6));

            // the process is gone: the master reads EIO, the output copy ends and closes its FIFO end
            assertFalse(io.awaitOutput(Duration.ofMillis(50)));
            Posix.close(slave);
            slave = -1;
            assertTrue(io.awaitOutput(Duration.ofSeconds(3)));
            assertEquals("", readExactly(reader, 1), "EOF: no writer left on the stdout FIFO");
        } finally {
            io.close();
            io.close();
            Posix.closeQuietly(reader);
            Posix.closeQuietly(client);
            Posix.closeQuietly(slave);
        }
        assertTrue(readerGone(in), "stdin FIFO released by close() (the copy stops asynchronously)");
    }

    @Test
    void closeStdinLetsTheStdinCopyEndAtTheClientsEof() throws Exception {
        String in = fifo("in"), out = fifo("out");
        ConsoleIo io = ConsoleIo.open("c2", new StdioPaths(in, out, "", true), 0, 0);
        int slave = -1;
        try {
            slave = fakeRune(io.consoleSocket());
            io.started();
            int client = Posix.open(in, Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
            Posix.close(client);
            Thread.sleep(100);
            assertTrue(hasReader(in), "our own writer keeps the stdin copy going");
            io.closeStdin();
            io.closeStdin();
            assertTrue(readerGone(in), "stdin copy saw EOF and closed the FIFO");
            // the terminal is still up: output keeps flowing
            int reader = openReader(out);
            Posix.writeFully(slave, "still".getBytes(StandardCharsets.UTF_8));
            assertEquals("still", readExactly(reader, 5));
            Posix.close(reader);
        } finally {
            io.close();
            Posix.closeQuietly(slave);
        }
    }

    @Test
    void startedWaitsForALateConnection() throws Exception {
        String out = fifo("out");
        ConsoleIo io = ConsoleIo.open("c3", new StdioPaths("", out, "", true), 0, 0);
        try {
            CompletableFuture<Integer> rune = CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(200);
                    return fakeRune(io.consoleSocket());
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            io.started();
            int slave = rune.get(3, TimeUnit.SECONDS);
            io.resize(80, 24);
            assertEquals(new Terminal.Size(24, 80), Terminal.getWindowSize(slave));
            Posix.close(slave);
            assertTrue(io.awaitOutput(Duration.ofSeconds(3)));
        } finally {
            io.close();
        }
    }

    @Test
    void closeWithoutStartReleasesSocketDirAndFifos() throws Exception {
        String in = fifo("in"), out = fifo("out");
        ConsoleIo io = ConsoleIo.open("c4", new StdioPaths(in, out, "", true), 0, 0);
        Path sock = Path.of(io.consoleSocket());
        assertTrue(hasReader(in));
        io.resize(10, 10);
        io.close();
        assertFalse(Files.exists(sock.getParent()));
        SysException e = assertThrows(SysException.class, () -> FdPassing.connect(sock.toString()));
        assertEquals(Errno.ENOENT, e.errno());
        assertFalse(hasReader(in), "stdin FIFO reader closed");
        assertFalse(hasReader(out), "stdout FIFO (opened O_RDWR) closed");
        assertThrows(java.io.IOException.class, io::started);
        assertTrue(io.awaitOutput(Duration.ZERO));
    }

    @Test
    void badPathsFailBeforeRuneRuns() throws Exception {
        SysException e = assertThrows(SysException.class, () -> ConsoleIo.open("c5",
                new StdioPaths(dir.resolve("missing-in").toString(), fifo("out"), "", true), 0, 0));
        assertEquals(Errno.ENOENT, e.errno());
        assertThrows(StdioException.class, () -> ConsoleIo.open("c6", new StdioPaths("", "bogus://x", "", true), 0, 0));
    }

    @Test
    void outputWithoutStdoutIsDrained() throws Exception {
        ConsoleIo io = ConsoleIo.open("c7", new StdioPaths("", "", "", true), 0, 0);
        int slave = -1;
        try {
            slave = fakeRune(io.consoleSocket());
            io.started();
            byte[] lots = new byte[64 * 1024];
            java.util.Arrays.fill(lots, (byte) 'x');
            Posix.writeFully(slave, lots); // would block forever if nobody read the master
            Posix.close(slave);
            slave = -1;
            assertTrue(io.awaitOutput(Duration.ofSeconds(3)));
        } finally {
            io.close();
            Posix.closeQuietly(slave);
        }
    }
}
