package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;
import static io.rune.shim.sys.Native.LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/** Pseudo-terminal calls: window size of a pty, and a fresh pty pair (what rune makes for a console). */
public final class Terminal {
    private static final long TIOCGWINSZ = 0x5413, TIOCSWINSZ = 0x5414, TIOCGPTN = 0x80045430L, TIOCSPTLCK = 0x40045431L;
    private static final int O_NOCTTY = 0400;

    private Terminal() {}

    /** ioctl(int, unsigned long, ...): linked on first use, the third argument passed as a variadic pointer. */
    private static final class Ioctl {
        static final MethodHandle H = Native.LINKER.downcallHandle(
                Native.LIBC.find("ioctl").orElseThrow(() -> new UnsatisfiedLinkError("libc has no ioctl")),
                FunctionDescriptor.of(INT, INT, LONG, ADDR),
                Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    }

    /** A window size in character cells. */
    public record Size(int rows, int cols) {}

    /** A pty pair: master and slave fds (close-on-exec, owned by the caller) and the slave's path. */
    public record PtyPair(int master, int slave, String slavePath) {}

    private static void ioctl(int fd, long request, MemorySegment arg, String what) throws SysException {
        Native.call("ioctl", what + " fd " + fd, st -> (int) Ioctl.H.invokeExact(st, fd, request, arg));
    }

    /** TIOCSWINSZ: struct winsize {ws_row, ws_col, ws_xpixel, ws_ypixel} (unsigned shorts; pixels 0). */
    public static void setWindowSize(int fd, int rows, int cols) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ws = a.allocate(8, 2);
            ws.set(ValueLayout.JAVA_SHORT, 0, (short) rows);
            ws.set(ValueLayout.JAVA_SHORT, 2, (short) cols);
            ioctl(fd, TIOCSWINSZ, ws, "TIOCSWINSZ");
        }
    }

    /** TIOCGWINSZ. */
    public static Size getWindowSize(int fd) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment ws = a.allocate(8, 2);
            ioctl(fd, TIOCGWINSZ, ws, "TIOCGWINSZ");
            return new Size(Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 0)),
                    Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 2)));
        }
    }

    /** Opens /dev/ptmx, unlocks the slave and opens it; neither becomes our controlling terminal. */
    public static PtyPair openPtyPair() throws SysException {
        int master = Posix.open("/dev/ptmx", Posix.O_RDWR | O_NOCTTY, 0);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment n = a.allocate(INT);
            n.set(INT, 0, 0);
            ioctl(master, TIOCSPTLCK, n, "TIOCSPTLCK");
            ioctl(master, TIOCGPTN, n, "TIOCGPTN");
            String path = "/dev/pts/" + n.get(INT, 0);
            int slave = Posix.open(path, Posix.O_RDWR | O_NOCTTY, 0);
            return new PtyPair(master, slave, path);
        } catch (SysException | RuntimeException e) {
            Posix.closeQuietly(master);
            throw e;
        }
    }
}
