package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;
import static io.rune.shim.sys.Native.LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Passing one fd over an AF_UNIX stream socket with SCM_RIGHTS: how rune hands the pty master of a
 * terminal process to the shim through {@code --console-socket}.
 *
 * <p>Layouts are those of 64-bit Linux (x86_64, aarch64): msghdr 56 bytes, iovec 16, cmsghdr 16
 * followed by the data, CMSG_LEN(4) = 20, CMSG_SPACE(4) = 24.
 */
public final class FdPassing {
    /** Size of the data buffer a receive accepts (the payload is a file name such as "/dev/ptmx"). */
    public static final int DATA_BUFFER = 4096;
    private static final int CMSG_HDR = 16, CMSG_LEN_ONE_FD = CMSG_HDR + 4, CMSG_SPACE_ONE_FD = 24;
    private static final int MSGHDR_SIZE = 56, IOVEC_SIZE = 16;
    private static final int SOL_SOCKET = 1, SCM_RIGHTS = 1;
    private static final int MSG_CTRUNC = 0x8, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int SOCK_CLOEXEC = 02000000;

    private static final Native.Fn ACCEPT4 = Native.lazyErrno("accept4", FunctionDescriptor.of(INT, INT, ADDR, ADDR, INT));
    private static final Native.Fn RECVMSG = Native.lazyErrno("recvmsg", FunctionDescriptor.of(LONG, INT, ADDR, INT));
    private static final Native.Fn SENDMSG = Native.lazyErrno("sendmsg", FunctionDescriptor.of(LONG, INT, ADDR, INT));
    private static final Native.Fn CONNECT = Native.lazyErrno("connect", FunctionDescriptor.of(INT, INT, ADDR, INT));

    private FdPassing() {}

    /** A received fd (close-on-exec, owned by the caller) and the data bytes that came with it. */
    public record Received(int fd, byte[] data) {
        /** The data as text (rune sends the master's file name, "/dev/ptmx"). */
        public String name() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /**
     * Waits at most timeoutMillis for a connection on a listening socket and accepts it
     * (close-on-exec). Throws SocketTimeoutException when none arrived in time.
     */
    public static int accept(int listenFd, int timeoutMillis) throws IOException {
        awaitReadable(listenFd, timeoutMillis, "accept");
        return (int) Native.call("accept4", "fd " + listenFd, st -> (int) ACCEPT4.get().invokeExact(st, listenFd,
                MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC));
    }

    /**
     * Receives one message that must carry exactly one fd as a single SOL_SOCKET/SCM_RIGHTS
     * message, waiting at most timeoutMillis. Any fd received with a malformed message is closed.
     */
    public static Received receiveFd(int sockFd, int timeoutMillis) throws IOException {
        awaitReadable(sockFd, timeoutMillis, "recvmsg");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment data = a.allocate(DATA_BUFFER);
            MemorySegment control = a.allocate(CMSG_SPACE_ONE_FD, 8);
            MemorySegment iov = a.allocate(IOVEC_SIZE, 8);
            iov.set(ValueLayout.ADDRESS, 0, data);
            iov.set(LONG, 8, (long) DATA_BUFFER);
            MemorySegment msg = a.allocate(MSGHDR_SIZE, 8);
            msg.set(ValueLayout.ADDRESS, 16, iov);
            msg.set(LONG, 24, 1L);
            msg.set(ValueLayout.ADDRESS, 32, control);
            msg.set(LONG, 40, (long) CMSG_SPACE_ONE_FD);
            long n = Native.call("recvmsg", "fd " + sockFd,
                    st -> (long) RECVMSG.get().invokeExact(st, sockFd, msg, MSG_CMSG_CLOEXEC));
            int flags = msg.get(INT, 48);
            long controlLen = msg.get(LONG, 40);
            int[] fds = fdsIn(control, controlLen);
            byte[] bytes = data.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            String problem = null;
            if ((flags & MSG_CTRUNC) != 0) problem = "control data truncated (more than one fd or message sent)";
            else if (controlLen == 0) problem = n == 0 ? "peer closed the socket without sending an fd"
                    : "message of " + n + " bytes carried no fd";
            else if (fds == null) problem = "control message is not SOL_SOCKET/SCM_RIGHTS";
            else if (fds.length != 1) problem = "expected exactly one fd, got " + fds.length;
            if (problem != null) {
                if (fds != null) for (int fd : fds) Posix.closeQuietly(fd);
                throw new IOException("recvmsg fd " + sockFd + ": " + problem);
            }
            return new Received(fds[0], bytes);
        }
    }

    /** The fds of the first cmsg when it is SOL_SOCKET/SCM_RIGHTS, else null. */
    private static int[] fdsIn(MemorySegment control, long controlLen) {
        if (controlLen < CMSG_HDR) return null;
        long len = control.get(LONG, 0);
        int level = control.get(INT, 8), type = control.get(INT, 12);
        if (level != SOL_SOCKET || type != SCM_RIGHTS || len < CMSG_HDR || len > controlLen) return null;
        int count = (int) ((len - CMSG_HDR) / 4);
        int[] fds = new int[count];
        for (int i = 0; i < count; i++) fds[i] = control.get(INT, CMSG_HDR + 4L * i);
        return fds;
    }

    /**
     * Accepts one connection (waiting at most timeoutMillis overall), receives one fd on it and
     * closes the connection: the console-socket handshake.
     */
    public static Received acceptFd(int listenFd, int timeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        int conn = accept(listenFd, timeoutMillis);
        try {
            int left = (int) Math.max(0, (deadline - System.nanoTime()) / 1_000_000L);
            return receiveFd(conn, left);
        } finally {
            Posix.closeQuietly(conn);
        }
    }

    /** Sends fd with the data bytes (at least one byte: an empty message would carry nothing). */
    public static void sendFd(int sockFd, int fd, byte[] data) throws SysException {
        byte[] payload = data.length == 0 ? new byte[] {0} : data;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(payload.length);
            MemorySegment.copy(payload, 0, buf, ValueLayout.JAVA_BYTE, 0, payload.length);
            MemorySegment control = a.allocate(CMSG_SPACE_ONE_FD, 8);
            control.set(LONG, 0, (long) CMSG_LEN_ONE_FD);
            control.set(INT, 8, SOL_SOCKET);
            control.set(INT, 12, SCM_RIGHTS);
            control.set(INT, CMSG_HDR, fd);
            MemorySegment iov = a.allocate(IOVEC_SIZE, 8);
            iov.set(ValueLayout.ADDRESS, 0, buf);
            iov.set(LONG, 8, (long) payload.length);
            MemorySegment msg = a.allocate(MSGHDR_SIZE, 8);
            msg.set(ValueLayout.ADDRESS, 16, iov);
            msg.set(LONG, 24, 1L);
            msg.set(ValueLayout.ADDRESS, 32, control);
            msg.set(LONG, 40, (long) CMSG_SPACE_ONE_FD);
            Native.call("sendmsg", "fd " + sockFd, st -> (long) SENDMSG.get().invokeExact(st, sockFd, msg, MSG_NOSIGNAL));
        }
    }

    /** Connects a close-on-exec AF_UNIX stream socket to path (what rune does with --console-socket). */
    public static int connect(String path) throws SysException {
        byte[] p = UnixListener.pathBytes(path, "connect");
        try (Arena a = Arena.ofConfined()) {
            MemorySegment addr = UnixListener.address(a, p);
            int fd = UnixListener.newSocket();
            // once: a connect interrupted by a signal goes on in the background and cannot be restarted
            long rc = Native.attempt(st -> (int) CONNECT.get().invokeExact(st, fd, addr, 2 + p.length + 1));
            if (rc < 0) {
                Posix.closeQuietly(fd);
                throw new SysException("connect", path, (int) -rc);
            }
            return fd;
        }
    }

    private static void awaitReadable(int fd, int timeoutMillis, String call) throws IOException {
        short rev = Posix.poll(new int[] {fd}, Math.max(0, timeoutMillis))[0];
        if (rev == 0) throw new SocketTimeoutException(call + " fd " + fd + ": nothing arrived within " + timeoutMillis + " ms");
    }
}
