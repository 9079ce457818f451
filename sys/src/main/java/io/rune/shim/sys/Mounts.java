package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;
import static io.rune.shim.sys.Native.LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/** mount(2) and umount2(2). */
public final class Mounts {
    public static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
            MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOATIME = 1024, MS_NODIRATIME = 2048,
            MS_BIND = 4096, MS_REC = 16384, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;
    public static final int MNT_DETACH = 2;

    private static final Native.Fn MOUNT = Native.lazyErrno("mount", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, LONG, ADDR));
    private static final Native.Fn UMOUNT2 = Native.lazyErrno("umount2", FunctionDescriptor.of(INT, ADDR, INT));

    private Mounts() {}

    public static void mount(String source, String target, String type, long flags, String data) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            // locals, not inline conditionals: as arguments of invokeExact those would be typed Object
            MemorySegment src = cstr(a, source), tgt = a.allocateFrom(target), fstype = cstr(a, type);
            MemorySegment options = data == null || data.isEmpty() ? MemorySegment.NULL : a.allocateFrom(data);
            Native.call("mount", type + " " + source + " on " + target,
                    st -> (int) MOUNT.get().invokeExact(st, src, tgt, fstype, flags, options));
        }
    }

    public static void umount(String target, int flags) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment tgt = a.allocateFrom(target);
            Native.call("umount2", target, st -> (int) UMOUNT2.get().invokeExact(st, tgt, flags));
        }
    }

    private static MemorySegment cstr(Arena a, String s) {
        return s == null ? MemorySegment.NULL : a.allocateFrom(s);
    }
}
