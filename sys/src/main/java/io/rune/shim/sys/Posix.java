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
    private static final int PR_SET_CHILD_SUBREAPER = 36, PR_SET_PDEATHSIG = 1;

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
    private static final Native.Fn FCHOWN = Native.lazyErrno("fchown", FunctionDescriptor.of(INT, INT, INT, INT));

    private Posix() {}

    public static int getpid() {
        try { return (int) GETPID.get().invokeExact(); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    public static int geteuid() {
        try { return (int) GETEUID.get().invokeExact(); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    public static int getegid() {
        try { return (int) GETEGID.get().invokeExact(); } catch (Throwable t) { throw Native.rethrow(t); }
    }

    /** Orphaned descendants (the container init once rune exits) are re-parented to us. */
    public static void setChildSubreaper() throws SysException {
        prctl(PR_SET_CHILD_SUBREAPER, 1, "PR_SET_CHILD_SUBREAPER");
    }

    private static void prctl(int option, long arg, String what) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            int rc = (int) PRCTL.get().invokeExact(st, option, arg, 0L, 0L, 0L);
            if (rc != 0) throw new SysException("prctl", what, Native.errno(st));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Blocks until any child changes state to exited/killed and reaps it.
     * Returns null when there are no children (ECHILD). EINTR is retried.
     */
    public static WaitStatus waitAnyChild() throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment status = a.allocate(INT);
            while (true) {
                int pid = (int) WAIT4.get().invokeExact(st, -1, status, 0, MemorySegment.NULL);
                if (pid > 0) return new WaitStatus(pid, status.get(INT, 0));
                int errno = Native.errno(st);
                if (errno == Errno.EINTR) continue;
                if (errno == Errno.ECHILD) return null;
                throw new SysException("wait4", "-1", errno);
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A close-on-exec pipe: [0] read end, [1] write end. */
    public static int[] pipe() throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment fds = a.allocate(INT, 2);
            int rc = (int) PIPE2.get().invokeExact(st, fds, O_CLOEXEC);
            if (rc != 0) throw new SysException("pipe2", null, Native.errno(st));
            return new int[] {fds.getAtIndex(INT, 0), fds.getAtIndex(INT, 1)};
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static void close(int fd) throws SysException {
        if (fd < 0) return;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            int rc = (int) CLOSE.get().invokeExact(st, fd);
            // EINTR on close: the fd is gone anyway on Linux, so it is not an error.
            if (rc != 0 && Native.errno(st) != Errno.EINTR) throw new SysException("close", "fd " + fd, Native.errno(st));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** close() for cleanup paths, where a failure has nothing left to tell. */
    public static void closeQuietly(int fd) {
        try { close(fd); } catch (SysException ignored) { /* cleanup */ }
    }

    /** Opens a path close-on-exec. */
    public static int open(String path, int flags, int mode) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment p = a.allocateFrom(path);
            while (true) {
                int fd = (int) OPEN.get().invokeExact(st, p, flags | O_CLOEXEC, mode);
                if (fd >= 0) return fd;
                if (Native.errno(st) != Errno.EINTR) throw new SysException("open", path, Native.errno(st));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Reads up to len bytes into native memory; returns 0 at EOF. EINTR is retried. */
    static int read(int fd, MemorySegment buf, long len) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            while (true) {
                long n = (long) READ.get().invokeExact(st, fd, buf, len);
                if (n >= 0) return (int) n;
                if (Native.errno(st) != Errno.EINTR) throw new SysException("read", "fd " + fd, Native.errno(st));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
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
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            while (true) {
                long n = (long) WRITE.get().invokeExact(st, fd, buf, len);
                if (n >= 0) return n;
                if (Native.errno(st) != Errno.EINTR) throw new SysException("write", "fd " + fd, Native.errno(st));
            }
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
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

    public static void dup2(int from, int to) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            int rc = (int) DUP2.get().invokeExact(st, from, to);
            if (rc < 0) throw new SysException("dup2", from + " -> " + to, Native.errno(st));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A close-on-exec duplicate of fd (the lowest free number), sharing its open file description. */
    public static int dup(int fd) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            int nfd = (int) FCNTL.get().invokeExact(st, fd, F_DUPFD_CLOEXEC, 0);
            if (nfd < 0) throw new SysException("fcntl", "F_DUPFD_CLOEXEC fd " + fd, Native.errno(st));
            return nfd;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static void setBlocking(int fd, boolean blocking) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            int fl = (int) FCNTL.get().invokeExact(st, fd, F_GETFL, 0);
            if (fl < 0) throw new SysException("fcntl", "F_GETFL fd " + fd, Native.errno(st));
            int nfl = blocking ? fl & ~O_NONBLOCK : fl | O_NONBLOCK;
            int rc = (int) FCNTL.get().invokeExact(st, fd, F_SETFL, nfl);
            if (rc < 0) throw new SysException("fcntl", "F_SETFL fd " + fd, Native.errno(st));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static void kill(int pid, int signal) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            int rc = (int) KILL.get().invokeExact(st, pid, signal);
            if (rc != 0) throw new SysException("kill", pid + " " + signal, Native.errno(st));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static void fchown(int fd, int uid, int gid) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            int rc = (int) FCHOWN.get().invokeExact(st, fd, uid, gid);
            if (rc != 0) throw new SysException("fchown", "fd " + fd, Native.errno(st));
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    public static final short POLLIN = 0x1, POLLERR = 0x8, POLLHUP = 0x10, POLLNVAL = 0x20;

    /**
     * poll(2) on the given fds for POLLIN; returns the revents of each (0 = not ready).
     * timeoutMillis -1 blocks. EINTR is retried.
     */
    public static short[] poll(int[] fds, int timeoutMillis) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = Native.captureState(a);
            MemorySegment pfd = a.allocate(8L * fds.length, 4);
            for (int i = 0; i < fds.length; i++) {
                pfd.set(INT, 8L * i, fds[i]);
                pfd.set(ValueLayout.JAVA_SHORT, 8L * i + 4, POLLIN);
                pfd.set(ValueLayout.JAVA_SHORT, 8L * i + 6, (short) 0);
            }
            while (true) {
                int rc = (int) POLL.get().invokeExact(st, pfd, (long) fds.length, timeoutMillis);
                if (rc >= 0) break;
                if (Native.errno(st) != Errno.EINTR) throw new SysException("poll", null, Native.errno(st));
            }
            short[] rev = new short[fds.length];
            for (int i = 0; i < fds.length; i++) rev[i] = pfd.get(ValueLayout.JAVA_SHORT, 8L * i + 6);
            return rev;
        } catch (SysException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
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
