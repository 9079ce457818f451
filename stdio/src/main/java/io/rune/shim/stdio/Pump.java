package io.rune.shim.stdio;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies bytes from one fd to another until EOF or {@link #stop()}, on its own platform thread
 * (blocking native reads would pin a virtual thread's carrier). poll(2) on a wake pipe lets
 * stop() end a copy whose source has no EOF in sight.
 */
final class Pump {
    private static final Logger LOG = LoggerFactory.getLogger(Pump.class);
    private static final int BUFFER = 32 * 1024;

    private final String name;
    private final int src;
    private final int dst;
    private final boolean closeDstAtEnd;
    private final int[] wake;
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    /** Takes ownership of src (closed at the end) and of dst when closeDstAtEnd. */
    Pump(String name, int src, int dst, boolean closeDstAtEnd) throws SysException {
        this.name = name;
        this.src = src;
        this.dst = dst;
        this.closeDstAtEnd = closeDstAtEnd;
        this.wake = Posix.pipe();
    }

    /** Starts copying (separately from construction: nothing is copied until the process exists). */
    private volatile boolean started;

    synchronized Pump start() {
        if (done.isDone() || started) return this;
        started = true;
        Thread.ofPlatform().name("pump-" + name).daemon(true).stackSize(256 * 1024).start(this::run);
        return this;
    }

    private void run() {
        try {
            byte[] buf = new byte[BUFFER];
            int[] fds = {src, wake[0]};
            while (true) {
                short[] rev = Posix.poll(fds, -1);
                if (rev[1] != 0) break;
                if (rev[0] == 0) continue;
                int n = Posix.read(src, buf, 0, BUFFER);
                if (n < 0) break;
                Posix.writeFully(dst, buf, 0, n);
            }
        } catch (SysException e) {
            // EPIPE when the reader is gone, EIO on a hung-up tty: the copy is over either way
            LOG.debug("call=io pump={} ended: {}", name, e.getMessage());
        } finally {
            Posix.closeQuietly(src);
            if (closeDstAtEnd) Posix.closeQuietly(dst);
            Posix.closeQuietly(wake[0]);
            Posix.closeQuietly(wake[1]);
            done.complete(null);
        }
    }

    /** True when the copy reached its end within the timeout. */
    boolean await(Duration timeout) {
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    synchronized void stop() {
        if (done.isDone()) return;
        if (!started) {
            // never started: nobody else owns these fds
            Posix.closeQuietly(src);
            if (closeDstAtEnd) Posix.closeQuietly(dst);
            Posix.closeQuietly(wake[0]);
            Posix.closeQuietly(wake[1]);
            done.complete(null);
            return;
        }
        try {
            Posix.writeFully(wake[1], new byte[] {1});
        } catch (SysException ignored) {
            // already finished and closed
        }
    }
}
