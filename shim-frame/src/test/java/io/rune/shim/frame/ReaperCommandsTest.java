package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaperCommandsTest {
    private final ReaperCommands runner = runner();

    private static ReaperCommands runner() {
        try {
            return ReaperCommands.start(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "BASE", "base",
                    "NOTIFY_SOCKET", "/run/notify"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private CommandResult sh(String script) throws Exception {
        return runner.run(Command.of("/bin/sh", "-c", script).withTimeout(Duration.ofSeconds(20)));
    }

    private static boolean alive(int pid) {
        try {
            Posix.kill(pid, 0);
            return true;
        } catch (SysException e) {
            return false;
        }
    }

    @Test
    void capturesExitCodeStdoutAndStderr() throws Exception {
        CommandResult r = sh("echo out; echo err >&2; exit 3");
        assertEquals(3, r.status());
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrText());
        assertFalse(r.timedOut());
    }

    /** Calls from virtual threads run on them (no platform thread each): many at once, each its own answer. */
    @Test
    void concurrentCallsFromVirtualThreadsEachGetTheirOwnResult() throws Exception {
        int n = 24;
        java.util.List<java.util.concurrent.Future<CommandResult>> results = new java.util.ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                results.add(pool.submit(() -> runner.run(Command.of("/bin/sh", "-c", "sleep 0.2; echo " + k + "; exit " + k))));
            }
            for (int i = 0; i < n; i++) {
                CommandResult r = results.get(i).get();
                assertEquals(i, r.status());
                assertEquals(i + "\n", r.stdoutText());
            }
        }
    }

    @Test
    void envCwdAndStdin(@TempDir Path dir) throws Exception {
        CommandResult r = runner.run(Command.of("/bin/sh", "-c", "echo \"$BASE $EXTRA ${NOTIFY_SOCKET:-unset} $(pwd)\"; cat")
                .withEnv(Map.of("EXTRA", "x")).withCwd(dir).withInput("from stdin".getBytes(StandardCharsets.UTF_8)));
        assertEquals("base x unset " + dir + "\nfrom stdin", r.stdoutText());
    }

    @Test
    void onlyEnvDropsTheBaseEnvironment() throws Exception {
        CommandResult r = runner.run(Command.of("/bin/sh", "-c", "echo \"${BASE:-none} $ONLY\"").withOnlyEnv(Map.of("ONLY", "o")));
        assertEquals("none o\n", r.stdoutText());
    }

    @Test
    void inputLargerThanAPipeIsFedWhileTheCommandRuns() throws Exception {
        byte[] big = new byte[300_000];
        java.util.Arrays.fill(big, (byte) 'a');
        CommandResult r = runner.run(Command.of("/bin/sh", "-c", "wc -c").withInput(big));
        assertEquals("300000", r.stdoutText().trim());
    }

    @Test
    void bigOutputOnBothStreamsDoesNotDeadlock() throws Exception {
        CommandResult r = sh("head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; head -c 300000 /dev/zero");
        assertEquals(0, r.status());
        assertEquals(1048576 + 300000, r.stdout().length);
        assertEquals(1048576, r.stderr().length);
    }

    @Test
    void aSignalIsReportedAs128PlusIt() throws Exception {
        assertEquals(128 + 15, sh("kill -TERM $$").status());
    }

    @Test
    void aTimeoutKillsTheToolAndWhatItStartedInItsOwnGroup() throws Exception {
        long t0 = System.nanoTime();
        CommandResult r = runner.run(Command.of("/bin/sh", "-c", "sleep 30 & echo started; wait")
                .withTimeout(Duration.ofMillis(300)).inOwnProcessGroup());
        assertTrue(r.timedOut());
        assertEquals(137, r.status());
        assertEquals("started\n", r.stdoutText());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000);
    }

    /** Without a group of its own only the process is killed: the shim's own group is never signalled. */
    @Test
    void aTimeoutInTheShimsGroupKillsOnlyTheProcess() throws Exception {
        CommandResult r = runner.run(Command.of("/bin/sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!; wait")
                .withTimeout(Duration.ofMillis(300)));
        assertTrue(r.timedOut());
        assertEquals(137, r.status());
        int sleeper = Integer.parseInt(r.stdoutText().trim());
        try {
            assertTrue(alive(sleeper), "the grandchild outlives a kill of its parent alone");
        } finally {
            Posix.kill(sleeper, Posix.SIGKILL);
        }
    }

    @Test
    void aMissingProgramIsAnIOException() {
        IOException e = assertThrows(IOException.class, () -> runner.run(Command.of("/nonexistent/tool")));
        assertEquals("posix_spawn /nonexistent/tool: no such file or directory", e.getMessage());
        assertEquals(io.rune.shim.sys.Errno.ENOENT, ((io.rune.shim.sys.SysException) e).errno());
    }

    @Test
    void worksFromVirtualThreads() throws Exception {
        CompletableFuture<String> out = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                out.complete(runner.run(Command.of("/bin/sh", "-c", "echo v").withInput(new byte[0])).stdoutText());
            } catch (Throwable e) {
                out.completeExceptionally(e);
            }
        });
        assertEquals("v\n", out.get(10, TimeUnit.SECONDS));
        t.join(10_000);
    }

    @Test
    void handedOverFdsAreTheChildsStdio(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out");
        int fd = Posix.open(file.toString(), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC, 0600);
        try {
            CommandResult r = runner.run(Command.of("/bin/sh", "-c", "echo to-fd; echo err >&2; read x || echo eof").withStdio(-1, fd, fd));
            assertEquals(0, r.status());
            assertEquals(0, r.stdout().length);
            assertEquals("to-fd\nerr\neof\n", Files.readString(file));
        } finally {
            Posix.close(fd);
        }
    }

    @Test
    void aHelperRunsOnWithItsFdsAndReportsItsExit() throws Exception {
        int[] p = Posix.pipe();
        HelperProcess h;
        try {
            h = runner.spawn(Command.of("/bin/sh", "-c", "echo ready >&3; exec sleep 30").withFds(Map.of(3, p[1])));
        } finally {
            Posix.close(p[1]);
        }
        try {
            byte[] got = readLine(p[0]);
            assertEquals("ready\n", new String(got, StandardCharsets.UTF_8));
            assertNull(h.await(Duration.ofMillis(100)), "still running");
            assertTrue(h.signal(Posix.SIGTERM));
            ChildExit e = h.await(Duration.ofSeconds(10));
            assertNotNull(e);
            assertEquals(h.pid(), e.pid());
            assertEquals(128 + 15, e.status());
            assertFalse(h.signal(Posix.SIGTERM), "a reaped helper is never signalled");
        } finally {
            Posix.close(p[0]);
        }
    }

    @Test
    void helpersNeedFdsAndNoTimeout() {
        assertThrows(IllegalArgumentException.class, () -> runner.spawn(Command.of("/bin/true")));
        assertThrows(IllegalArgumentException.class,
                () -> runner.spawn(Command.of("/bin/true").withStdio(-1, -1, -1).withTimeout(Duration.ofSeconds(1))));
    }

    /** An orphan re-parented to the subreaper is reported to the listeners, not lost. */
    @Test
    void exitsOfReparentedProcessesGoToTheListeners() throws Exception {
        Map<Integer, ChildExit> seen = new java.util.concurrent.ConcurrentHashMap<>();
        runner.onChildExit(e -> seen.put(e.pid(), e));
        CommandResult r = sh("(sleep 0.3; exit 7) >/dev/null 2>&1 & echo $!");
        int orphan = Integer.parseInt(r.stdoutText().trim());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!seen.containsKey(orphan) && System.nanoTime() < deadline) Thread.sleep(20);
        ChildExit e = seen.get(orphan);
        assertNotNull(e, "exit of the orphan " + orphan);
        assertEquals(7, e.status());
        assertNotNull(e.exitedAt());
    }

    private static byte[] readLine(int fd) throws SysException {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        byte[] one = new byte[1];
        while (Posix.read(fd, one, 0, 1) == 1) {
            b.write(one[0]);
            if (one[0] == '\n') break;
        }
        return b.toByteArray();
    }

    @Test
    void commandsAreImmutableAndValidated() {
        assertThrows(IllegalArgumentException.class, () -> Command.of(List.of()));
        Command c = Command.of("/bin/true");
        Command t = c.withTimeout(Duration.ofSeconds(1)).inOwnProcessGroup();
        assertNull(c.timeout());
        assertFalse(c.ownProcessGroup());
        assertTrue(t.ownProcessGroup());
        assertInstanceOf(Command.Stdio.Capture.class, c.stdio());
        assertEquals(List.of(0, 1, 2), List.copyOf(((Command.Stdio.Fds) c.withStdio(5, 6, 7).stdio()).fds().keySet()));
    }
}
