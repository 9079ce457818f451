package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;
import static io.rune.shim.sys.Native.LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/** Process and file-descriptor calls of libc. All fds created here are close-on-exec. */
public final class Posix {
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_TRUNC = 01000,
            O_APPEND = 02000, O_NONBLOCK = 04000, O_DIRECTORY = 0200000, O_CLOEXEC = 02000000;
    public static final int SIGKILL = 9, SIGTERM = 15;
    private static final int F_GETFL = 3, F_SETFL = 4, F_DUPFD_CLOEXEC = 1030;
    private static final int PR_SET_CHILD_SUBREAPER = 36;

    private static final Native.Fn GETPID = Native.lazy("getpid", FunctionDescriptor.of(INT));
    private static final Native.Fn GETEUID = Native.lazy("geteuid", FunctionDescriptor.of(INT));
    private static final Native.Fn GETEGID = Native.lazy("getegid", FunctionDescriptor.of(INT));
    private static final Native.Fn PRCTL = Native.lazyErrno("prctl",
            FunctionDescriptor.of(INT, INT, LONG, LONG, LONG, LONG));
    private static final Native.Fn WAIT4 = Native.lazyErrno("wait4",
            FunctionDescriptor.of(INT, INT, ADDR, INT, ADDR));
    private static final Native.Fn PIPE2 = Native.lazyErrno("pipe2", FunctionDescriptor.of(INT, ADDR, INT));
    private static final Native.Fn CLOSE = Native.lazyErrno("close", FunctionDescriptor.of(INT, INT));
    private static final Native.Fn READ = Native.lazyErrno("read", FunctionDescriptor.of(LONG, INT, ADDR, LONG));
    private static final Native.Fn WRITE = Native.lazyErrno("write", FunctionDescriptor.of(LONG, INT, ADDR, LONG));
    private static final Native.Fn OPEN = Native.lazyErrno("open", FunctionDescriptor.of(INT, ADDR, INT, INT));
    private static final Native.Fn DUP2 = Native.lazyErrno("dup2", FunctionDescriptor.of(INT, INT, INT));
    private static final Native.Fn FCNTL = Native.lazyErrno("fcntl", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final Native.Fn KILL = Native.lazyErrno("kill", FunctionDescriptor.of(INT, INT, INT));
    private static final Native.Fn POLL = Native.lazyErrno("poll", FunctionDescriptor.of(INT, ADDR, LONG, INT));
    private static final Native.Fn CHDIR = Native.lazyErrno("chdir", FunctionDescriptor.of(INT, ADDR));
    private static final Native.Fn FCHOWN = Native.lazyErrno("fchown", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final Native.Fn SPLICE = Native.lazyErrno("splice",
            FunctionDescriptor.of(LONG, INT, ADDR, INT, ADDR, LONG, INT));
    private static final int SPLICE_F_MOVE = 1, SPLICE_F_NONBLOCK = 2;

    private Posix() {}

    public static int getpid() {
        return (int) Native.invoke(() -> (int) GETPID.get().invokeExact());
    }

    public static int geteuid() {
        return (int) Native.invoke(() -> (int) GETEUID.get().invokeExact());
    }

    public static int getegid() {
        return (int) Native.invoke(() -> (int) GETEGID.get().invokeExact());
    }

    /** Orphaned descendants (the container init once rune exits) are re-parented to us. */
    public static void setChildSubreaper() throws SysException {
        Native.call("prctl", "PR_SET_CHILD_SUBREAPER",
                st -> (int) PRCTL.get().invokeExact(st, PR_SET_CHILD_SUBREAPER, 1L, 0L, 0L, 0L));
    }

    /**
     * Blocks until any child changes state to exited/killed and reaps it.
     * Returns null when there are no children (ECHILD). EINTR is retried.
     */
    public static WaitStatus waitAnyChild() throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment status = a.allocate(INT);
            while (true) {
                long pid = Native.attempt(st -> (int) WAIT4.get().invokeExact(st, -1, status, 0, MemorySegment.NULL));
                if (pid > 0) return new WaitStatus((int) pid, status.get(INT, 0));
                if (pid == -Errno.EINTR) continue;
                if (pid == -Errno.ECHILD) return null;
                throw new SysException("wait4", "-1", (int) -pid);
            }
        }
    }

    /** A close-on-exec pipe: [0] read end, [1] write end. */
    public static int[] pipe() throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(INT, 2);
            Native.call("pipe2", null, st -> (int) PIPE2.get().invokeExact(st, fds, O_CLOEXEC));
            return new int[] {fds.getAtIndex(INT, 0), fds.getAtIndex(INT, 1)};
        }
    }

    public static void close(int fd) throws SysException {
        if (fd < 0) return;
        long rc = Native.attempt(st -> (int) CLOSE.get().invokeExact(st, fd));
        // EINTR on close: the fd is gone anyway on Linux, so it is neither an error nor to be retried.
        if (rc < 0 && rc != -Errno.EINTR) throw new SysException("close", "fd " + fd, (int) -rc);
    }

    /** close() for cleanup paths, where a failure has nothing left to tell. */
    public static void closeQuietly(int fd) {
        try { close(fd); } catch (SysException ignored) { /* cleanup */ }
    }

    /**
     * Changes the process's working directory (what children started without a cwd of their own
     * get). The JVM's {@code user.dir}, and so relative {@code Path}s, stay as they were.
     */
    public static void chdir(String path) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            Native.call("chdir", path, st -> (int) CHDIR.get().invokeExact(st, p));
        }
    }

    /** Opens a path close-on-exec. */
    public static int open(String path, int flags, int mode) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            return (int) Native.call("open", path, st -> (int) OPEN.get().invokeExact(st, p, flags | O_CLOEXEC, mode));
        }
    }

    /** Reads up to len bytes into native memory; returns 0 at EOF. EINTR is retried. */
    static int read(int fd, MemorySegment buf, long len) throws SysException {
        return (int) Native.call("read", "fd " + fd, st -> (long) READ.get().invokeExact(st, fd, buf, len));
    }

    /**
     * Reads up to len bytes into buf from off, blocking until some arrive; returns how many, or
     * -1 at end of file (0 only when len is 0). One call moves at most 64 KiB. EINTR is retried.
     * Blocks the calling thread: meant for platform threads.
     */
    public static int read(int fd, byte[] buf, int off, int len) throws SysException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0) return 0;
        MemorySegment nb = IoBuffer.forThread(len);
        int n = read(fd, nb, nb.byteSize());
        if (n == 0) return -1;
        MemorySegment.copy(nb, ValueLayout.JAVA_BYTE, 0, buf, off, n);
        return n;
    }

    /** One write(2) from native memory; returns how many bytes it took. EINTR is retried. */
    private static long writeOnce(int fd, MemorySegment buf, long len) throws SysException {
        return Native.call("write", "fd " + fd, st -> (long) WRITE.get().invokeExact(st, fd, buf, len));
    }

    /** Writes all len bytes of native memory (loops over short writes). */
    static void writeFully(int fd, MemorySegment buf, long len) throws SysException {
        for (long off = 0; off < len; ) off += writeOnce(fd, buf.asSlice(off), len - off);
    }

    /**
     * One write(2) of up to len bytes of buf from off; returns how many were written, which may
     * be fewer (a pipe with little room, or more than 64 KiB asked). EINTR is retried.
     */
    public static int write(int fd, byte[] buf, int off, int len) throws SysException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0) return 0;
        MemorySegment nb = IoBuffer.forThread(len);
        MemorySegment.copy(buf, off, nb, ValueLayout.JAVA_BYTE, 0, (int) nb.byteSize());
        return (int) writeOnce(fd, nb, nb.byteSize());
    }

    /** Writes all len bytes of buf from off (loops over short writes). */
    public static void writeFully(int fd, byte[] buf, int off, int len) throws SysException {
        Objects.checkFromIndexSize(off, len, buf.length);
        int end = off + len;
        while (off < end) off += write(fd, buf, off, end - off);
    }

    public static void writeFully(int fd, byte[] data) throws SysException {
        writeFully(fd, data, 0, data.length);
    }

    /** Reads until EOF. */
    public static byte[] readAll(int fd) throws SysException {
        var out = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = read(fd, buf, 0, buf.length)) > 0) out.write(buf, 0, n);
        return out.toByteArray();
    }

    /**
     * Moves up to len bytes from in to out inside the kernel (one of them must be a pipe or FIFO),
     * without blocking on the pipe: returns how many moved, 0 at end of input; EAGAIN (as a
     * SysException) when the pipe is empty or full; EINVAL when the fds cannot be spliced.
     */
    public static long splice(int in, int out, long len) throws SysException {
        return Native.call("splice", "fd " + in + " to fd " + out, st -> (long) SPLICE.get().invokeExact(st, in,
                MemorySegment.NULL, out, MemorySegment.NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK));
    }

    /*
     * Non-blocking copies meet EAGAIN all the time: these variants return minus the errno instead
     * of throwing (EINTR is retried). Byte counts are >= 0; 0 means end of input.
     */

    /** {@link #splice} returning -errno. */
    public static long trySplice(int in, int out, long len) {
        return retried(() -> Native.attempt(st -> (long) SPLICE.get().invokeExact(st, in, MemorySegment.NULL, out,
                MemorySegment.NULL, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK)));
    }

    /** One read(2) into buf: bytes read, 0 at end of file, or -errno (EAGAIN on an empty non-blocking fd). */
    public static int tryRead(int fd, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        MemorySegment nb = IoBuffer.forThread(len);
        int n = (int) retried(() -> Native.attempt(st -> (long) READ.get().invokeExact(st, fd, nb, nb.byteSize())));
        if (n > 0) MemorySegment.copy(nb, ValueLayout.JAVA_BYTE, 0, buf, off, n);
        return n;
    }

    /** One write(2) from buf: bytes written (maybe fewer than len), or -errno (EAGAIN when full, EPIPE). */
    public static int tryWrite(int fd, byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        MemorySegment nb = IoBuffer.forThread(len);
        MemorySegment.copy(buf, off, nb, ValueLayout.JAVA_BYTE, 0, (int) nb.byteSize());
        return (int) retried(() -> Native.attempt(st -> (long) WRITE.get().invokeExact(st, fd, nb, nb.byteSize())));
    }

    private static long retried(java.util.function.LongSupplier call) {
        while (true) {
            long r = call.getAsLong();
            if (r != -Errno.EINTR) return r;
        }
    }

    public static void dup2(int from, int to) throws SysException {
        Native.call("dup2", from + " -> " + to, st -> (int) DUP2.get().invokeExact(st, from, to));
    }

    /** A close-on-exec duplicate of fd (the lowest free number), sharing its open file description. */
    public static int dup(int fd) throws SysException {
        return (int) Native.call("fcntl", "F_DUPFD_CLOEXEC fd " + fd,
                st -> (int) FCNTL.get().invokeExact(st, fd, F_DUPFD_CLOEXEC, 0));
    }

    public static void setBlocking(int fd, boolean blocking) throws SysException {
        int fl = (int) Native.call("fcntl", "F_GETFL fd " + fd, st -> (int) FCNTL.get().invokeExact(st, fd, F_GETFL, 0));
        int nfl = blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK;
        Native.call("fcntl", "F_SETFL fd " + fd, st -> (int) FCNTL.get().invokeExact(st, fd, F_SETFL, nfl));
    }

    public static void kill(int pid, int signal) throws SysException {
        Native.call("kill", pid + " " + signal, st -> (int) KILL.get().invokeExact(st, pid, signal));
    }

    public static void fchown(int fd, int uid, int gid) throws SysException {
        Native.call("fchown", "fd " + fd, st -> (int) FCHOWN.get().invokeExact(st, fd, uid, gid));
    }

    public static final short POLLIN = 0x1, POLLOUT = 0x4, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    /**
     * poll(2) on the given fds for POLLIN; returns the revents of each (0 = not ready).
     * timeoutMillis -1 blocks. EINTR is retried.
     */
    public static short[] poll(int[] fds, int timeoutMillis) throws SysException {
        return poll(fds, POLLIN, timeoutMillis);
    }

    /** Whether fd can take a write now: the revents of a poll(2) for POLLOUT that does not wait. */
    public static short pollOut(int fd) throws SysException {
        return poll(new int[] {fd}, POLLOUT, 0)[0];
    }

    private static short[] poll(int[] fds, short events, int timeoutMillis) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pfd = a.allocate(8L * fds.length, 4);
            for (int i = 0; i < fds.length; i++) {
                pfd.set(INT, 8L * i, fds[i]);
                pfd.set(ValueLayout.JAVA_SHORT, 8L * i + 4, events);
                pfd.set(ValueLayout.JAVA_SHORT, 8L * i + 6, (short) 0);
            }
            long n = fds.length;
            Native.call("poll", null, st -> (int) POLL.get().invokeExact(st, pfd, n, timeoutMillis));
            short[] rev = new short[fds.length];
            for (int i = 0; i < fds.length; i++) rev[i] = pfd.get(ValueLayout.JAVA_SHORT, 8L * i + 6);
            return rev;
        }
    }

    /** Links the downcalls of process and fd calls now (on a helper thread at start-up) instead of on first use. */
    public static void prelink() {
        GETPID.get();
        GETEUID.get();
        GETEGID.get();
        PRCTL.get();
        WAIT4.get();
        PIPE2.get();
        CLOSE.get();
        READ.get();
        WRITE.get();
        OPEN.get();
        DUP2.get();
        FCNTL.get();
        KILL.get();
        POLL.get();
        FCHOWN.get();
    }
}
