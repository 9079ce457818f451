package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** inotify(7), for watching cgroup v2 event files (memory.events, cgroup.events). */
public final class Inotify {
    public static final int IN_MODIFY = 0x2, IN_ATTRIB = 0x4, IN_DELETE_SELF = 0x400, IN_MOVE_SELF = 0x800,
            IN_UNMOUNT = 0x2000, IN_Q_OVERFLOW = 0x4000, IN_IGNORED = 0x8000;
    private static final int IN_NONBLOCK = 04000, IN_CLOEXEC = 02000000;
    private static final int HEADER = 16; // int wd; uint32 mask, cookie, len; then len bytes of name
    private static final int BUFFER = 4096;

    private static final Native.Fn INIT1 = Native.lazyErrno("inotify_init1", FunctionDescriptor.of(INT, INT));
    private static final Native.Fn ADD = Native.lazyErrno("inotify_add_watch", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final Native.Fn RM = Native.lazyErrno("inotify_rm_watch", FunctionDescriptor.of(INT, INT, INT));

    /** One inotify event; name is empty for watches on files. */
    public record Event(int wd, int mask, int cookie, String name) {}

    private Inotify() {}

    /** A new non-blocking, close-on-exec inotify instance (meant to sit in a poll/epoll set). */
    public static int init() throws SysException {
        return (int) Native.call("inotify_init1", null, st -> (int) INIT1.get().invokeExact(st, IN_NONBLOCK | IN_CLOEXEC));
    }

    /** Returns the watch descriptor. */
    public static int addWatch(int fd, String path, int mask) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            return (int) Native.call("inotify_add_watch", path, st -> (int) ADD.get().invokeExact(st, fd, p, mask));
        }
    }

    public static void removeWatch(int fd, int wd) throws SysException {
        Native.call("inotify_rm_watch", "wd " + wd, st -> (int) RM.get().invokeExact(st, fd, wd));
    }

    /** Drains the queued events of a non-blocking inotify fd (empty when none are queued). */
    public static List<Event> read(int fd) throws SysException {
        List<Event> out = new ArrayList<>();
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(BUFFER, 8);
            while (true) {
                int n;
                try {
                    n = Posix.read(fd, buf, BUFFER);
                } catch (SysException e) {
                    if (e.errno() == Errno.EAGAIN) return out;
                    throw e;
                }
                if (n <= 0) return out;
                for (int off = 0; off + HEADER <= n; ) {
                    int len = buf.get(ValueLayout.JAVA_INT, off + 12);
                    String name = len == 0 ? "" : cString(buf.asSlice(off + HEADER, len));
                    out.add(new Event(buf.get(ValueLayout.JAVA_INT, off), buf.get(ValueLayout.JAVA_INT, off + 4),
                            buf.get(ValueLayout.JAVA_INT, off + 8), name));
                    off += HEADER + len;
                }
            }
        }
    }

    private static String cString(MemorySegment s) {
        byte[] b = s.toArray(ValueLayout.JAVA_BYTE);
        int end = 0;
        while (end < b.length && b[end] != 0) end++;
        return new String(b, 0, end, StandardCharsets.UTF_8);
    }
}
