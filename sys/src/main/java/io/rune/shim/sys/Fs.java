package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/** File-system calls the JDK does not offer: FIFOs and mode bits beyond rwx (sticky). */
public final class Fs {
    public static final int S_ISVTX = 01000;

    private static final Native.Fn MKFIFO = Native.lazyErrno("mkfifo", FunctionDescriptor.of(INT, ADDR, INT));
    private static final Native.Fn CHMOD = Native.lazyErrno("chmod", FunctionDescriptor.of(INT, ADDR, INT));

    private Fs() {}

    /** mkfifo(3); mode is subject to the umask. */
    public static void mkfifo(String path, int mode) throws SysException {
        pathCall(MKFIFO, "mkfifo", path, mode);
    }

    /** chmod(2), sticky/setuid bits included. */
    public static void chmod(String path, int mode) throws SysException {
        pathCall(CHMOD, "chmod", path, mode);
    }

    private static void pathCall(Native.Fn fn, String call, String path, int mode) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            Native.call(call, path, st -> (int) fn.get().invokeExact(st, p, mode));
        }
    }
}
