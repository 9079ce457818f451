package io.rune.shim.frame;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * When a namespace-scope daemon leaves: after its last container went and {@code linger} passed
 * with no new container and nothing to serve. A {@code start} answered from the control socket
 * counts as activity, under the same lock as the decision to leave, so no start is ever answered
 * by a daemon that is about to go.
 */
final class IdleExit {
    private final Duration linger;
    private final BooleanSupplier idle;
    private final Runnable leave;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("idle-exit").daemon().unstarted(r));
    /**
     * An admitted start's container reaches the daemon (containerd's Create) only after the
     * launcher has answered: until then the service still looks idle. A daemon does not leave
     * within this time of admitting a start (it would close under that Create: "ttrpc: closed").
     */
    static final Duration PENDING_START = Duration.ofSeconds(2);
    private long lastActivity = System.nanoTime();
    private long lastAdmitted = System.nanoTime() - PENDING_START.toNanos();
    private boolean leaving;

    /**
     * @param idle  whether nothing is left to serve (no container, none being created)
     * @param leave runs once, when the daemon goes, under the same lock as {@link #admit}: it must
     *              be quick (remove the sockets, signal the daemon's main thread)
     */
    IdleExit(Duration linger, BooleanSupplier idle, Runnable leave) {
        this.linger = linger;
        this.idle = idle;
        this.leave = leave;
    }

    /** A start wants this daemon: true unless it is leaving; the idle clock starts again. */
    synchronized boolean admit() {
        if (leaving) return false;
        lastActivity = System.nanoTime();
        lastAdmitted = lastActivity;
        schedule(Math.max(linger.toNanos(), PENDING_START.toNanos()));
        return true;
    }

    /** The manager found no container left (Shutdown): leave once the linger time passed idle. */
    synchronized void nothingLeft() {
        if (leaving) return;
        lastActivity = System.nanoTime();
        if (linger.isZero()) {
            check();
        } else {
            schedule(linger.toNanos());
        }
    }

    synchronized boolean leaving() {
        return leaving;
    }

    private void schedule(long nanos) {
        timer.schedule(this::check, nanos, TimeUnit.NANOSECONDS);
    }

    private synchronized void check() {
        if (leaving) return;
        long now = System.nanoTime();
        long quiet = now - lastActivity;
        if (quiet < linger.toNanos()) return; // a later check is scheduled already
        long sinceAdmitted = now - lastAdmitted;
        if (sinceAdmitted < PENDING_START.toNanos()) {
            schedule(PENDING_START.toNanos() - sinceAdmitted); // its Create may still be on the way
            return;
        }
        if (!idle.getAsBoolean()) return;     // a container came; its Shutdown will ask again
        leaving = true;
        // under the lock: a start refused from now on finds no socket of this daemon to reuse
        leave.run();
        timer.shutdown();
    }
}
