package io.rune.shim.stdio;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code binary://} logging program, as containerd defines it: args are the URI's query pairs,
 * the environment only CONTAINER_ID and CONTAINER_NAMESPACE, fd 3/4 the process's stdout/stderr,
 * fd 5 the ready signal. Stopped with SIGTERM, then SIGKILL after 12 s.
 */
final class BinaryLogger {
    private static final Logger LOG = LoggerFactory.getLogger(BinaryLogger.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(12);

    private final HelperLauncher.Helper child;
    private final int stdoutFd;
    private final int stderrFd;

    private BinaryLogger(HelperLauncher.Helper child, int stdoutFd, int stderrFd) {
        this.child = child;
        this.stdoutFd = stdoutFd;
        this.stderrFd = stderrFd;
    }

    /** Write ends of the pipes the logger reads: the process's stdout and stderr. */
    int stdoutFd() { return stdoutFd; }
    int stderrFd() { return stderrFd; }

    static List<String> argv(URI uri) {
        List<String> argv = new ArrayList<>();
        argv.add(uri.getPath());
        Map<String, String> first = new LinkedHashMap<>();
        String q = uri.getRawQuery();
        if (q != null && !q.isEmpty()) {
            for (String pair : q.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                first.putIfAbsent(k, v);
            }
        }
        first.forEach((k, v) -> { argv.add(k); argv.add(v); });
        return argv;
    }

    static BinaryLogger start(URI uri, IoContext ctx) throws IOException {
        if (uri.getPath() == null || uri.getPath().isEmpty()) throw new StdioException(StdioException.Reason.INVALID_ARGUMENT, "binary:// URI without a path: " + uri);
        int[] out = Posix.pipe(), err = Posix.pipe(), ready = Posix.pipe();
        HelperLauncher.Helper child;
        try {
            if (ctx.ioUid() != 0 || ctx.ioGid() != 0) {
                Posix.fchown(out[1], ctx.ioUid(), ctx.ioGid());
                Posix.fchown(err[1], ctx.ioUid(), ctx.ioGid());
            }
            // stdio /dev/null; the process's stdout and stderr pipes as 3 and 4; readiness on 5
            child = ctx.launcher().launch(argv(uri),
                    Map.of("CONTAINER_ID", ctx.containerId(), "CONTAINER_NAMESPACE", ctx.namespace()),
                    Map.of(3, out[0], 4, err[0], 5, ready[1]));
        } catch (IOException | RuntimeException e) {
            for (int fd : new int[] {out[0], out[1], err[0], err[1], ready[0], ready[1]}) Posix.closeQuietly(fd);
            throw new IOException("failed to start binary logger " + uri.getPath() + ": " + e.getMessage(), e);
        }
        Posix.closeQuietly(out[0]);
        Posix.closeQuietly(err[0]);
        Posix.closeQuietly(ready[1]);
        BinaryLogger logger = new BinaryLogger(child, out[1], err[1]);
        try {
            awaitReady(ready[0], child);
        } catch (IOException e) {
            logger.kill();
            Posix.closeQuietly(out[1]);
            Posix.closeQuietly(err[1]);
            throw e;
        } finally {
            Posix.closeQuietly(ready[0]);
        }
        return logger;
    }

    /** One byte or EOF on fd 5 means ready; polled so a hung logger fails Create instead of hanging it. */
    private static void awaitReady(int readyFd, HelperLauncher.Helper child) throws IOException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            short[] rev = Posix.poll(new int[] {readyFd}, 100);
            if (rev[0] != 0) return;
            if (child.exitStatus().isPresent()) {
                throw new IOException("binary logger exited with status " + child.exitStatus().getAsInt() + " before it was ready");
            }
        }
        throw new IOException("binary logger did not signal readiness within " + READY_TIMEOUT.toSeconds() + "s");
    }

    /**
     * After the pipes were closed: SIGTERM so the logger flushes and exits, SIGKILL if it is still
     * there after 12 s. Waits like the Go shim's Close does (the caller is a Delete).
     */
    void stop() {
        if (child.exitStatus().isPresent()) return; // reaped: its pid may belong to someone else by now
        signal(Posix.SIGTERM);
        try {
            if (!child.awaitExit(STOP_GRACE)) kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
        }
    }

    private void kill() {
        signal(Posix.SIGKILL);
    }

    private void signal(int sig) {
        try {
            Posix.kill(child.pid(), sig);
        } catch (SysException e) {
            LOG.debug("call=io logger pid={} signal {}: {}", child.pid(), sig, e.getMessage());
        }
    }
}
