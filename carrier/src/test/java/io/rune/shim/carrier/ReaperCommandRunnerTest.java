package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaperCommandRunnerTest {
    private final CommandRunner runner = new ReaperCommandRunner(TestSupport.reaper(),
            Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "BASE", "base", "NOTIFY_SOCKET", "/run/notify"));

    private CommandRunner.Result sh(String script, Map<String, String> env, Path cwd, byte[] stdin, Duration timeout) throws Exception {
        return runner.run(new CommandRunner.Command(List.of("/bin/sh", "-c", script), env, cwd, stdin, timeout));
    }

    @Test
    void capturesExitCodeStdoutAndStderr() throws Exception {
        CommandRunner.Result r = sh("echo out; echo err >&2; exit 3", Map.of(), null, null, Duration.ofSeconds(10));
        assertEquals(3, r.exitCode());
        assertEquals("out\n", r.stdoutText());
        assertEquals("err\n", r.stderrText());
        assertFalse(r.timedOut());
    }

    @Test
    void envCwdAndStdin(@TempDir Path dir) throws Exception {
        CommandRunner.Result r = sh("echo \"$BASE $EXTRA ${NOTIFY_SOCKET:-unset} $(pwd)\"; cat", Map.of("EXTRA", "x"), dir,
                "from stdin".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        assertEquals("base x unset " + dir + "\nfrom stdin", r.stdoutText());
    }

    @Test
    void bigOutputOnBothStreamsDoesNotDeadlock() throws Exception {
        CommandRunner.Result r = sh("head -c 1048576 /dev/zero; head -c 1048576 /dev/zero >&2; head -c 300000 /dev/zero",
                Map.of(), null, null, Duration.ofSeconds(20));
        assertEquals(0, r.exitCode());
        assertEquals(1048576 + 300000, r.stdout().length);
        assertEquals(1048576, r.stderr().length);
    }

    @Test
    void aTimeoutKillsTheToolAndWhatItStarted() throws Exception {
        long t0 = System.nanoTime();
        CommandRunner.Result r = sh("sleep 30 & echo started; wait", Map.of(), null, null, Duration.ofMillis(300));
        assertTrue(r.timedOut());
        assertEquals(137, r.exitCode());
        assertEquals("started\n", r.stdoutText());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000);
    }

    @Test
    void aMissingProgramIsAnIOException() {
        IOException e = assertThrows(IOException.class,
                () -> runner.run(new CommandRunner.Command(List.of("/nonexistent/tool"), null, Duration.ofSeconds(5))));
        assertTrue(e.getMessage().contains("/nonexistent/tool: no such file or directory"), e.getMessage());
    }

    @Test
    void worksFromVirtualThreads() throws Exception {
        var t = Thread.ofVirtual().start(() -> {
            try {
                assertEquals("v\n", sh("echo v", Map.of(), null, null, Duration.ofSeconds(10)).stdoutText());
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        t.join(10_000);
        assertFalse(t.isAlive());
    }
}
