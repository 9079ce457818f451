package io.rune.shim.e2e;

import io.rune.shim.testsupport.Cmd;
import io.rune.shim.testsupport.CmdResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * An external command that runs while the test talks to it: stdin is a pipe the test writes to (or
 * closes), stdout and stderr are collected as they arrive so that the test can wait for a line.
 */
public final class LiveProcess implements AutoCloseable {
    private final List<String> argv;
    private final Process process;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final Thread outReader;
    private final Thread errReader;
    private OutputStream stdin;

    private LiveProcess(List<String> argv, Process process) {
        this.argv = List.copyOf(argv);
        this.process = process;
        this.stdin = process.getOutputStream();
        this.outReader = pump(process.getInputStream(), out, "out");
        this.errReader = pump(process.getErrorStream(), err, "err");
    }

    /** Starts argv with a stdin pipe that stays open until {@link #closeStdin()} or the end. */
    public static LiveProcess start(List<String> argv) {
        try {
            return new LiveProcess(argv, new ProcessBuilder(argv).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + argv, e);
        }
    }

    /** Starts argv, writes the given bytes to its stdin and closes stdin. */
    public static LiveProcess startWithInput(List<String> argv, String input) {
        LiveProcess p = start(argv);
        p.write(input);
        p.closeStdin();
        return p;
    }

    private Thread pump(InputStream in, ByteArrayOutputStream sink, String what) {
        return Thread.ofPlatform().daemon().name("live-" + what).start(() -> {
            byte[] buf = new byte[4096];
            try (in) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    synchronized (this) {
                        sink.write(buf, 0, n);
                        notifyAll();
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
            synchronized (this) {
                notifyAll();
            }
        });
    }

    public synchronized String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public synchronized String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Waits until stdout so far satisfies the predicate; false on timeout or when the process ended without it. */
    public boolean awaitStdout(Predicate<String> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            while (true) {
                if (p.test(stdout())) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || (!process.isAlive() && !outReader.isAlive())) {
                    return p.test(stdout());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
    }

    public boolean awaitStdoutContains(String s, Duration timeout) {
        return awaitStdout(o -> o.contains(s), timeout);
    }

    public void write(String s) {
        try {
            stdin.write(s.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to " + argv, e);
        }
    }

    public void closeStdin() {
        try {
            stdin.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the exit (killing the process tree on timeout) and returns what it did. */
    public CmdResult await(Duration timeout) {
        boolean done;
        try {
            done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            done = false;
        }
        if (!done) {
            Cmd.killTree(process);
        }
        closeStdin();
        try {
            outReader.join(5000);
            errReader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new CmdResult(argv, done ? process.exitValue() : -1, stdout(), stderr(), !done);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            Cmd.killTree(process);
        }
        closeStdin();
    }
}
