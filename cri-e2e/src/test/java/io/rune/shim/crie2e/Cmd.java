package io.rune.shim.crie2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external command with a hard timeout; output goes through temp files. */
final class Cmd {
    /** Exit code (-1 when it timed out) and captured output of one command. */
    record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        @Override
        public String toString() {
            return String.join(" ", argv) + " -> exit " + exitCode
                    + (stdout.isBlank() ? "" : "\n  stdout: " + stdout.strip())
                    + (stderr.isBlank() ? "" : "\n  stderr: " + stderr.strip());
        }
    }

    private Cmd() {}

    static Result run(Duration timeout, List<String> argv) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("cri-e2e-cmd", ".out");
            err = Files.createTempFile("cri-e2e-cmd", ".err");
            Process p = new ProcessBuilder(argv).redirectInput(new File("/dev/null"))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
            return new Result(List.copyOf(argv), done ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + argv, e);
        } finally {
            for (Path p : new Path[] {out, err}) {
                if (p != null) {
                    p.toFile().delete();
                }
            }
        }
    }

    static Result run(String... argv) {
        return run(Duration.ofSeconds(60), List.of(argv));
    }
}
