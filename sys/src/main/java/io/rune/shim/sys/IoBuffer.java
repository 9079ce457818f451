package io.rune.shim.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native memory for copying between Java arrays and read(2)/write(2): one buffer per thread,
 * kept and reused, so a copy loop does not allocate native memory per call. A heap array cannot
 * be handed to a blocking downcall (only critical calls take heap memory, and those hold off GC).
 */
final class IoBuffer {
    /** The most one call moves; larger requests become a short read or a further write. */
    static final int MAX = 64 * 1024;
    private static final int MIN = 8 * 1024;
    private static final ThreadLocal<MemorySegment> BUFFER = new ThreadLocal<>();

    private IoBuffer() {}

    /** This thread's buffer, at least min(len, MAX) bytes, sliced to exactly that size. */
    static MemorySegment forThread(int len) {
        int want = Math.min(len, MAX);
        MemorySegment b = BUFFER.get();
        if (b == null || b.byteSize() < want) {
            int size = Math.max(MIN, Math.min(MAX, Integer.highestOneBit(Math.max(1, want - 1)) << 1));
            // freed by the GC once the thread (and with it this reference) is gone
            b = Arena.ofAuto().allocate(size);
            BUFFER.set(b);
        }
        return b.asSlice(0, want);
    }
}
