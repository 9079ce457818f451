package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * epoll(7). Each registered fd carries a caller-chosen 64-bit token (epoll_data) rather than the
 * fd number, so an event that arrives for an fd closed and reused meanwhile cannot be mistaken
 * for the new owner's.
 */
public final class Epoll {
    public static final int EPOLLIN = 0x001, EPOLLOUT = 0x004, EPOLLERR = 0x008, EPOLLHUP = 0x010,
            EPOLLRDHUP = 0x2000, EPOLLET = 1 << 31;
    private static final int EPOLL_CLOEXEC = 02000000, EPOLL_CTL_ADD = 1, EPOLL_CTL_DEL = 2;

    // struct epoll_event is packed on x86_64 (12 bytes, data at offset 4); naturally aligned elsewhere.
    private static final boolean PACKED = switch (System.getProperty("os.arch")) {
        case "amd64", "x86_64" -> true;
        default -> false;
    };
    private static final long EVENT_SIZE = PACKED ? 12 : 16, DATA_OFFSET = PACKED ? 4 : 8;

    private static final Native.Fn CREATE1 = Native.lazyErrno("epoll_create1", FunctionDescriptor.of(INT, INT));
    private static final Native.Fn CTL = Native.lazyErrno("epoll_ctl", FunctionDescriptor.of(INT, INT, INT, INT, ADDR));
    private static final Native.Fn WAIT = Native.lazyErrno("epoll_wait", FunctionDescriptor.of(INT, INT, ADDR, INT, INT));

    /** One ready fd: the EPOLL* bits that fired and the token it was added with. */
    public record Event(int events, long token) {}

    private Epoll() {}

    /** A new close-on-exec epoll instance. */
    public static int create() throws SysException {
        return (int) Native.call("epoll_create1", null, st -> (int) CREATE1.get().invokeExact(st, EPOLL_CLOEXEC));
    }

    public static void add(int epfd, int fd, int events, long token) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ev = a.allocate(EVENT_SIZE, 8);
            ev.set(ValueLayout.JAVA_INT, 0, events);
            ev.set(ValueLayout.JAVA_LONG_UNALIGNED, DATA_OFFSET, token);
            ctl(epfd, EPOLL_CTL_ADD, fd, ev, "EPOLL_CTL_ADD fd " + fd);
        }
    }

    public static void delete(int epfd, int fd) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            // a non-null event pointer keeps pre-2.6.9 semantics out of the picture
            ctl(epfd, EPOLL_CTL_DEL, fd, a.allocate(EVENT_SIZE, 8), "EPOLL_CTL_DEL fd " + fd);
        }
    }

    private static void ctl(int epfd, int op, int fd, MemorySegment ev, String what) throws SysException {
        Native.call("epoll_ctl", what, st -> (int) CTL.get().invokeExact(st, epfd, op, fd, ev));
    }

    /**
     * Waits for up to maxEvents ready fds; timeoutMillis -1 blocks. An interrupted wait (EINTR)
     * returns an empty list so the caller re-checks its own state. Blocks a platform thread.
     */
    public static List<Event> wait(int epfd, int maxEvents, int timeoutMillis) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment evs = a.allocate(EVENT_SIZE * maxEvents, 8);
            int n = (int) Native.attempt(st -> (int) WAIT.get().invokeExact(st, epfd, evs, maxEvents, timeoutMillis));
            if (n == -Errno.EINTR) return List.of();
            if (n < 0) throw new SysException("epoll_wait", "epfd " + epfd, -n);
            List<Event> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long base = EVENT_SIZE * i;
                out.add(new Event(evs.get(ValueLayout.JAVA_INT_UNALIGNED, base),
                        evs.get(ValueLayout.JAVA_LONG_UNALIGNED, base + DATA_OFFSET)));
            }
            return out;
        }
    }
}
