package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tests' runner keeps the CommandRunner contract the pipeline tests rely on. */
class ProcessCommandRunnerTest {
    private final CommandRunner runner = new ProcessCommandRunner(
            Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "BASE", "base", "NOTIFY_SOCKET", "/run/notify"));

    private CommandRunner.Result sh(String script, Map<String, String> env, Path cwd, byte[] stdin, Duration timeout)
            throws Exception {
        return runner.run(new CommandRunner.Command(List.of("/bin/sh", "-c", script), env, cwd, stdin, timeout));
    }

    @Test
    void envOnTopOfTheBaseCwdStdinAndExitCode(@TempDir Path dir) throws Exception {
        CommandRunner.Result r = sh("echo \"$BASE $EXTRA ${NOTIFY_SOCKET:-unset} $(pwd)\"; cat; echo e >&2; exit 3",
                Map.of("EXTRA", "x", "BASE", "over"), dir, "in".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10));
        assertEquals("over x unset " + dir + "\nin", r.stdoutText());
        assertEquals("e\n", r.stderrText());
        assertEquals(3, r.exitCode());
        assertFalse(r.timedOut());
    }

    @Test
    void noStdinReadsAsEmpty() throws Exception {
        assertEquals("0", sh("wc -c", Map.of(), null, null, Duration.ofSeconds(10)).stdoutText().strip());
    }

    @Test
    void aTimeoutKillsTheToolAndWhatItStarted(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("child.pid");
        long t0 = System.nanoTime();
        CommandRunner.Result r = sh("sleep 30 & echo $! > " + pidFile + "; echo started; wait", Map.of(), null, null,
                Duration.ofMillis(500));
        assertTrue(r.timedOut());
        assertEquals(137, r.exitCode());
        assertEquals("started\n", r.stdoutText());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000);
        long child = Long.parseLong(Files.readString(pidFile).strip());
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "the tool's child survived");
    }

    @Test
    void aMissingProgramIsAnIOException() {
        assertThrows(java.io.IOException.class,
                () -> runner.run(new CommandRunner.Command(List.of("/nonexistent/tool"), null, Duration.ofSeconds(5))));
    }
}
