package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpawnerTest {
    private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FOO=bar");

    /** Reaps the given pid, collecting any other children on the way (tests run one child at a time). */
    private static WaitStatus reap(int pid) throws SysException {
        while (true) {
            WaitStatus ws = Posix.waitAnyChild();
            assertNotNull(ws, "child vanished");
            if (ws.pid() == pid) return ws;
        }
    }

    @Test
    void capturesStdoutEnvAndCwd(@TempDir Path dir) throws Exception {
        int[] p = Posix.pipe();
        int pid = Spawner.spawn(new SpawnRequest(List.of("sh", "-c", "echo $FOO; pwd"), ENV, dir.toString(),
                List.of(FdAction.devNull(0), new FdAction.Dup(p[1], 1), new FdAction.Dup(p[1], 2)), false, false));
        Posix.close(p[1]);
        String out = new String(Posix.readAll(p[0]), StandardCharsets.UTF_8);
        Posix.close(p[0]);
        assertEquals("bar\n" + dir.toRealPath() + "\n", out);
        assertEquals(0, reap(pid).exitStatus());
    }

    @Test
    void exitCodesAndSignalsDecode() throws Exception {
        int pid = Spawner.spawn(new SpawnRequest(List.of("/bin/sh", "-c", "exit 3"), ENV, null, List.of(), false, false));
        assertEquals(3, reap(pid).exitStatus());
        pid = Spawner.spawn(new SpawnRequest(List.of("/bin/sh", "-c", "kill -9 $$"), ENV, null, List.of(), false, false));
        WaitStatus ws = reap(pid);
        assertTrue(ws.signaled());
        assertEquals(137, ws.exitStatus());
    }

    @Test
    void missingBinaryIsAnErrorOfTheCall() {
        SysException e = assertThrows(SysException.class, () -> Spawner.spawn(
                new SpawnRequest(List.of("/nonexistent/rune"), ENV, null, List.of(), false, false)));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("/nonexistent/rune"), e.getMessage());
    }

    @Test
    void onlyRequestedFdsAreInherited(@TempDir Path dir) throws Exception {
        int stray = Posix.open(dir.resolve("stray").toString(), Posix.O_CREAT | Posix.O_WRONLY, 0644);
        int[] p = Posix.pipe();
        int pid = Spawner.spawn(new SpawnRequest(List.of("sh", "-c", "ls /proc/self/fd | sort -n | tr '\\n' ' '"),
                ENV, null, List.of(FdAction.devNull(0), new FdAction.Dup(p[1], 1), FdAction.devNull(2)), false, false));
        Posix.close(p[1]);
        String out = new String(Posix.readAll(p[0]), StandardCharsets.UTF_8).trim();
        Posix.close(p[0]);
        Posix.close(stray);
        reap(pid);
        // 0,1,2 and the fd ls itself opens for /proc/self/fd
        assertEquals("0 1 2 3", out);
    }

    @Test
    void newProcessGroup() throws Exception {
        int[] p = Posix.pipe();
        int pid = Spawner.spawn(new SpawnRequest(List.of("sh", "-c", "cut -d' ' -f5 /proc/$$/stat"), ENV, null,
                List.of(FdAction.devNull(0), new FdAction.Dup(p[1], 1)), true, false));
        Posix.close(p[1]);
        String pgid = new String(Posix.readAll(p[0]), StandardCharsets.UTF_8).trim();
        Posix.close(p[0]);
        reap(pid);
        assertEquals(String.valueOf(pid), pgid);
    }

    @Test
    void listenerReportsAddressInUse(@TempDir Path dir) throws Exception {
        String path = Files.createTempDirectory(Path.of("/tmp"), "ul").resolve("s").toString();
        int fd = UnixListener.listen(path, 16);
        SysException e = assertThrows(SysException.class, () -> UnixListener.listen(path, 16));
        assertEquals(Errno.EADDRINUSE, e.errno());
        Posix.close(fd);
        Files.delete(Path.of(path));
    }
}
