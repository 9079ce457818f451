package io.rune.shim.ttrpc;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes a server may hold in frame bodies that have not fully arrived, over all its connections.
 * A body buffer grows only as its bytes arrive, and each growth is taken from here first, so peers
 * that announce large frames and then stall cannot fill the heap; one that would go over the
 * budget loses its connection (the others keep theirs).
 */
final class ReadBudget {
    static final ReadBudget UNLIMITED = new ReadBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong inUse = new AtomicLong();

    ReadBudget(long limit) {
        this.limit = limit;
    }

    /** Takes n bytes; false (nothing taken) when that would pass the limit. */
    boolean take(long n) {
        while (true) {
            long now = inUse.get();
            if (now + n > limit) return false;
            if (inUse.compareAndSet(now, now + n)) return true;
        }
    }

    void give(long n) {
        inUse.addAndGet(-n);
    }

    long inUse() {
        return inUse.get();
    }

    long limit() {
        return limit;
    }
}
