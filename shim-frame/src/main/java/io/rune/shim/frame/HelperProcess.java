package io.rune.shim.frame;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A long-lived process started by {@link ReaperCommands#spawn}: its exit is delivered here and nowhere else. */
public record HelperProcess(int pid, CompletableFuture<ChildExit> exit) {
    public ChildExit await() throws InterruptedException {
        try {
            return exit.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Null when it has not exited within the timeout. */
    public ChildExit await(Duration timeout) throws InterruptedException {
        try {
            return exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Sends a signal unless it was reaped already (then its pid may be someone else's).
     * Returns whether the signal went out.
     */
    public boolean signal(int signal) {
        if (exit.isDone()) return false;
        try {
            Posix.kill(pid, signal);
            return true;
        } catch (SysException e) {
            return false; // ESRCH: exited, not reaped yet
        }
    }
}
