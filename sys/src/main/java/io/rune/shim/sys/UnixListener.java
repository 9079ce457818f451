package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A listening AF_UNIX stream socket as a raw fd, so that it can be handed to a child process
 * (the JDK's channels do not expose their fd). bind() doubles as the lock that decides which
 * of two concurrent `start` calls of one group spawns the daemon: the loser sees EADDRINUSE.
 */
public final class UnixListener {
    private static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000;
    private static final Native.Fn SOCKET = Native.lazyErrno("socket", FunctionDescriptor.of(INT, INT, INT, INT));
    private static final Native.Fn BIND = Native.lazyErrno("bind", FunctionDescriptor.of(INT, INT, ADDR, INT));
    private static final Native.Fn LISTEN = Native.lazyErrno("listen", FunctionDescriptor.of(INT, INT, INT));

    private UnixListener() {}

    /** The path as sun_path bytes; a path that does not fit is ENAMETOOLONG of the call. */
    static byte[] pathBytes(String path, String call) throws SysException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length >= 108) throw new SysException(call, path, Errno.ENAMETOOLONG);
        return p;
    }

    /** A close-on-exec AF_UNIX stream socket. */
    static int newSocket() throws SysException {
        return (int) Native.call("socket", "AF_UNIX",
                st -> (int) SOCKET.get().invokeExact(st, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    }

    /** struct sockaddr_un for the path (length to pass: 2 + path bytes + 1). */
    static MemorySegment address(Arena a, byte[] path) {
        MemorySegment addr = a.allocate(110);
        addr.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(path, 0, addr, ValueLayout.JAVA_BYTE, 2, path.length);
        return addr;
    }

    /** Creates, binds and listens; throws SysException with EADDRINUSE when the path exists. */
    public static int listen(String path, int backlog) throws SysException {
        byte[] p = pathBytes(path, "bind");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = address(a, p);
            int fd = newSocket();
            try {
                Native.call("bind", path, st -> (int) BIND.get().invokeExact(st, fd, addr, 2 + p.length + 1));
                Native.call("listen", path, st -> (int) LISTEN.get().invokeExact(st, fd, backlog));
                return fd;
            } catch (SysException | RuntimeException e) {
                Posix.closeQuietly(fd);
                throw e;
            }
        }
    }

    /** Links the downcalls of the listening socket now (on a helper thread at start-up) instead of on first use. */
    public static void prelink() {
        SOCKET.get();
        BIND.get();
        LISTEN.get();
    }
}
