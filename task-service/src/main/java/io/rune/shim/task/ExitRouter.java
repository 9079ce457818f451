package io.rune.shim.task;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Matches exits of re-parented processes to their owners. An exit can be reaped before the
 * pid file was read (the init dies right after rune create): such exits are kept until the
 * owner claims the pid, for a bounded time and count.
 */
final class ExitRouter {
    private static final int MAX_UNCLAIMED = 4096;
    /**
     * The race this covers lasts from rune's exit to reading the pid file (milliseconds); keeping
     * exits longer would only risk handing a stale exit to a reused pid.
     */
    private static final Duration KEEP_UNCLAIMED = Duration.ofSeconds(10);

    private final Map<Integer, Consumer<ProcessExit>> owners = new HashMap<>();
    private final LinkedHashMap<Integer, ProcessExit> unclaimed = new LinkedHashMap<>();

    /** An exit from the reaper. */
    void onExit(ProcessExit exit) {
        Consumer<ProcessExit> owner;
        synchronized (this) {
            owner = owners.remove(exit.pid());
            if (owner == null) {
                unclaimed.put(exit.pid(), exit);
                prune(exit.exitedAt());
                return;
            }
        }
        dispatch(owner, exit);
    }

    /** The owner of pid gets its exit, now if it was already reaped. */
    void claim(int pid, Consumer<ProcessExit> owner) {
        claim(pid, Instant.now().minus(KEEP_UNCLAIMED), owner);
    }

    /**
     * As {@link #claim(int, Consumer)} for a process that cannot have exited before {@code spawned}
     * (when the rune call that made it began): an earlier exit of the same pid was another process's,
     * whose pid the kernel reused (pids wrap quickly where pid_max is 32768 and the node is busy).
     */
    void claim(int pid, Instant spawned, Consumer<ProcessExit> owner) {
        ProcessExit early;
        synchronized (this) {
            early = unclaimed.remove(pid);
            if (early != null && (early.exitedAt().isBefore(spawned)
                    || early.exitedAt().isBefore(Instant.now().minus(KEEP_UNCLAIMED)))) {
                early = null; // stale: the pid was reused
            }
            if (early == null) {
                owners.put(pid, owner);
                return;
            }
        }
        dispatch(owner, early);
    }

    void release(int pid) {
        synchronized (this) {
            owners.remove(pid);
        }
    }

    /** Owners may block (lock, IO drain): never on the reaping thread. */
    private static void dispatch(Consumer<ProcessExit> owner, ProcessExit exit) {
        Thread.ofVirtual().name("exit-" + exit.pid()).start(() -> owner.accept(exit));
    }

    private void prune(Instant now) {
        Iterator<ProcessExit> it = unclaimed.values().iterator();
        while (it.hasNext()) {
            ProcessExit e = it.next();
            if (unclaimed.size() > MAX_UNCLAIMED || e.exitedAt().isBefore(now.minus(KEEP_UNCLAIMED))) it.remove();
            else break;
        }
    }
}
