package io.rune.shim.carrier;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The tests' runner of the fake toolchain, on java.lang.Process (no reaper owns wait4 in these
 * tests). Same contract as the shim's runner: env set on top of a base environment without
 * NOTIFY_SOCKET, cwd, stdin bytes or /dev/null, and a timeout that kills the tool and everything
 * it started, reported as timedOut with the shell's exit code 128 + signal.
 */
final class ProcessCommandRunner implements CommandRunner {
    /** After the tool exits, how long a grandchild may keep its output open. */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
    private final Map<String, String> baseEnv;

    ProcessCommandRunner(Map<String, String> baseEnv) {
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.remove("NOTIFY_SOCKET");
        this.baseEnv = Map.copyOf(env);
    }

    @Override
    public Result run(Command c) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(c.argv());
        pb.environment().clear();
        pb.environment().putAll(baseEnv);
        pb.environment().putAll(c.env());
        if (c.cwd() != null) pb.directory(c.cwd().toFile());
        if (c.stdin() == null) pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process p = pb.start();
        CompletableFuture<byte[]> out = drain(p.getInputStream());
        CompletableFuture<byte[]> err = drain(p.getErrorStream());
        if (c.stdin() != null) feed(p.getOutputStream(), c.stdin());

        boolean timedOut = false;
        if (c.timeout() == null) {
            p.waitFor();
        } else if (!p.waitFor(c.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
            timedOut = true;
            killTree(p.toHandle());
            p.waitFor();
        }
        return new Result(p.exitValue(), await(out, p.getInputStream()), await(err, p.getErrorStream()), timedOut);
    }

    /** Descendants first, listed while the tool is alive (orphans are no longer its descendants). */
    private static void killTree(ProcessHandle h) {
        List<ProcessHandle> all = new ArrayList<>(h.descendants().toList());
        all.add(h);
        all.forEach(ProcessHandle::destroyForcibly);
    }

    private static CompletableFuture<byte[]> drain(InputStream in) {
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon(true).start(() -> {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try {
                in.transferTo(buf);
            } catch (IOException ignored) {
                // closed under us after the grace: what was read so far is the output
            }
            f.complete(buf.toByteArray());
        });
        return f;
    }

    private static void feed(OutputStream stdin, byte[] data) {
        Thread.ofPlatform().daemon(true).start(() -> {
            try (stdin) {
                stdin.write(data);
            } catch (IOException ignored) {
                // the tool did not read all of its input; its exit status tells the rest
            }
        });
    }

    private static byte[] await(CompletableFuture<byte[]> f, InputStream in) throws InterruptedException {
        try {
            return f.get(DRAIN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            try {
                in.close();
            } catch (IOException ignored) {
                // closing is all that is left to do
            }
            return f.join();
        } catch (ExecutionException e) {
            throw new UncheckedIOException(new IOException(e.getCause()));
        }
    }
}
