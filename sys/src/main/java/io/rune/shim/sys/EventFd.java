package io.rune.shim.sys;

import static io.rune.shim.sys.Native.INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/** eventfd(2): a 64-bit counter behind an fd, for cgroup v1 OOM notification and waking poll loops. */
public final class EventFd {
    public static final int EFD_SEMAPHORE = 1, EFD_NONBLOCK = 04000, EFD_CLOEXEC = 02000000;

    private static final Native.Fn EVENTFD = Native.lazyErrno("eventfd", FunctionDescriptor.of(INT, INT, INT));

    private EventFd() {}

    /** A new eventfd with the given initial value and EFD_* flags. */
    public static int create(int initval, int flags) throws SysException {
        return (int) Native.call("eventfd", null, st -> (int) EVENTFD.get().invokeExact(st, initval, flags));
    }

    /**
     * Reads and resets the counter. On a non-blocking eventfd whose counter is 0 this returns 0
     * instead of failing with EAGAIN (a wake-up that someone else already consumed).
     */
    public static long read(int fd) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Native.LONG);
            int n = Posix.read(fd, buf, 8);
            if (n != 8) throw new SysException("read", "eventfd " + fd + " (short read " + n + ")", Errno.EIO);
            return buf.get(Native.LONG, 0);
        } catch (SysException e) {
            if (e.errno() == Errno.EAGAIN) return 0;
            throw e;
        }
    }

    /** Adds value to the counter, waking readers. */
    public static void write(int fd, long value) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Native.LONG);
            buf.set(Native.LONG, 0, value);
            Posix.writeFully(fd, buf, 8);
        }
    }
}
