package io.rune.shim.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs external commands (test code only) with a hard timeout; output goes through temp files. */
public final class Cmd {
    private static final File DEV_NULL = new File("/dev/null");

    private Cmd() {}

    public static CmdResult run(Duration timeout, List<String> argv) {
        return run(timeout, argv, null);
    }

    public static CmdResult run(Duration timeout, List<String> argv, Map<String, String> env) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("e2e-cmd", ".out");
            err = Files.createTempFile("e2e-cmd", ".err");
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectInput(DEV_NULL)
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            if (env != null) {
                pb.environment().putAll(env);
            }
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + argv, e);
            }
            if (!done) {
                killTree(p);
            }
            return new CmdResult(List.copyOf(argv), done ? p.exitValue() : -1,
                    Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8), !done);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + argv, e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** SIGKILLs the process and its descendants, then waits up to 5 s for it to be gone. */
    public static void killTree(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // temp file; nothing else to do
            }
        }
    }
}
