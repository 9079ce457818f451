package io.rune.shim.stdio;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One copy from a source fd to a destination fd until EOF or {@link #stop()}, run by the
 * daemon's {@link PumpLoop} (no thread of its own). Takes ownership of src (closed at the end)
 * and of dst when closeDstAtEnd.
 */
final class Pump {
    final String name;
    final int src;
    final int dst;
    private final boolean closeDstAtEnd;
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final PumpLoop loop;
    private boolean started;

    // state owned by the loop thread
    long id;
    boolean splice = true;
    boolean waitingDst;
    boolean finished;
    byte[] pending;

    Pump(String name, int src, int dst, boolean closeDstAtEnd) throws SysException {
        this.name = name;
        this.src = src;
        this.dst = dst;
        this.closeDstAtEnd = closeDstAtEnd;
        this.loop = PumpLoop.shared();
    }

    /** Starts copying (separately from construction: nothing is copied until the process exists). */
    synchronized Pump start() {
        if (started || done.isDone()) return this;
        started = true;
        loop.start(this);
        return this;
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
            finished = true;
            closeFds();
            done.complete(null);
            return;
        }
        loop.stop(this);
    }

    void closeFds() {
        Posix.closeQuietly(src);
        if (closeDstAtEnd) Posix.closeQuietly(dst);
    }
}
