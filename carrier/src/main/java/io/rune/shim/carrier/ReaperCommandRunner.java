package io.rune.shim.carrier;

import io.rune.shim.reaper.Child;
import io.rune.shim.reaper.Exit;
import io.rune.shim.reaper.Reaper;
import io.rune.shim.sys.FdAction;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SpawnRequest;
import io.rune.shim.sys.SysException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs tools through the shim's {@link Reaper} (never {@code java.lang.Process}: the JVM's own
 * waitpid would race the subreaper). The tool runs in its own process group so a timeout kills
 * everything it started; stdout and stderr are drained by two platform threads, so a chatty
 * tool cannot dead-lock on a full pipe and no virtual thread is pinned by a blocking read.
 */
public final class ReaperCommandRunner implements CommandRunner {
    /** After the tool exits, how long its output may stay open (a grandchild holding the pipe). */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private final Reaper reaper;
    private final Map<String, String> baseEnv;

    /** @param baseEnv the environment every tool starts from, typically the shim's own */
    public ReaperCommandRunner(Reaper reaper, Map<String, String> baseEnv) {
        this.reaper = reaper;
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.remove("NOTIFY_SOCKET");
        this.baseEnv = Map.copyOf(env);
    }

    @Override
    public Result run(Command c) throws IOException, InterruptedException {
        Map<String, String> merged = new LinkedHashMap<>(baseEnv);
        merged.putAll(c.env());
        List<String> env = new ArrayList<>();
        merged.forEach((k, v) -> env.add(k + "=" + v));

        int[] out = Posix.pipe();
        int[] err = pipeOrClose(out);
        int[] in = null;
        Child child;
        try {
            if (c.stdin() != null) in = Posix.pipe();
            List<FdAction> fds = List.of(in == null ? FdAction.devNull(0) : new FdAction.Dup(in[0], 0),
                    new FdAction.Dup(out[1], 1), new FdAction.Dup(err[1], 2));
            child = reaper.spawn(new SpawnRequest(c.argv(), env, c.cwd() == null ? null : c.cwd().toString(), fds, true, false));
        } catch (IOException | RuntimeException e) {
            close(out[0], err[0], in == null ? -1 : in[1]);
            throw e;
        } finally {
            close(out[1], err[1], in == null ? -1 : in[0]);
        }
        Drain stdout = new Drain(out[0], "stdout");
        Drain stderr = new Drain(err[0], "stderr");
        if (in != null) feed(in[1], c.stdin());

        Exit exit = c.timeout() == null ? child.await() : child.await(c.timeout());
        boolean timedOut = false;
        if (exit == null) {
            timedOut = true;
            killGroup(child.pid());
            exit = child.await();
        }
        if (!stdout.await(DRAIN_GRACE) | !stderr.await(DRAIN_GRACE)) {
            // Something the tool started still holds the pipes: end its process group.
            killGroup(child.pid());
            stdout.await(DRAIN_GRACE);
            stderr.await(DRAIN_GRACE);
        }
        return new Result(exit.status(), stdout.bytes(), stderr.bytes(), timedOut);
    }

    private static int[] pipeOrClose(int[] other) throws SysException {
        try {
            return Posix.pipe();
        } catch (SysException e) {
            close(other[0], other[1]);
            throw e;
        }
    }

    private static void killGroup(int pid) {
        try {
            Posix.kill(-pid, Posix.SIGKILL);
        } catch (SysException ignored) {
            // ESRCH: the group is gone already
        }
    }

    private static void feed(int fd, byte[] data) {
        Thread.ofPlatform().name("carrier-stdin").daemon(true).start(() -> {
            try {
                Posix.writeFully(fd, data);
            } catch (SysException ignored) {
                // EPIPE: the tool did not read all of its input; its exit status tells the rest
            } finally {
                Posix.closeQuietly(fd);
            }
        });
    }

    private static void close(int... fds) {
        for (int fd : fds) Posix.closeQuietly(fd);
    }

    /** Reads one pipe to EOF on a platform thread; what was read so far stays available. */
    private static final class Drain {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final CountDownLatch done = new CountDownLatch(1);

        Drain(int fd, String name) {
            Thread.ofPlatform().name("carrier-" + name).daemon(true).start(() -> {
                try {
                    byte[] chunk = new byte[8192];
                    int n;
                    while ((n = Posix.read(fd, chunk, 0, chunk.length)) > 0) {
                        synchronized (buf) {
                            buf.write(chunk, 0, n);
                        }
                    }
                } catch (SysException ignored) {
                    // a read error ends the output like EOF
                } finally {
                    Posix.closeQuietly(fd);
                    done.countDown();
                }
            });
        }

        boolean await(Duration d) throws InterruptedException {
            return done.await(d.toMillis(), TimeUnit.MILLISECONDS);
        }

        byte[] bytes() {
            synchronized (buf) {
                return buf.toByteArray();
            }
        }
    }
}
