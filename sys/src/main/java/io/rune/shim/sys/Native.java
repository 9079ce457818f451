package io.rune.shim.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/** Downcall plumbing shared by the libc wrappers: one linker, errno captured per call. */
final class Native {
    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT;
    static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG;
    static final ValueLayout ADDR = ValueLayout.ADDRESS;

    private Native() {}

    /**
     * A libc function linked on first use. Linking a downcall spins bytecode (several ms each),
     * and the start path uses only a few of the functions: so nothing is linked up front.
     */
    static final class Fn {
        private final String name;
        private final FunctionDescriptor descriptor;
        private final boolean errno;
        private volatile MethodHandle handle;

        Fn(String name, FunctionDescriptor descriptor, boolean errno) {
            this.name = name;
            this.descriptor = descriptor;
            this.errno = errno;
        }

        MethodHandle get() {
            MethodHandle h = handle;
            if (h == null) {
                h = errno ? errnoCall(name, descriptor) : call(name, descriptor);
                handle = h;
            }
            return h;
        }
    }

    static Fn lazyErrno(String name, FunctionDescriptor fd) {
        return new Fn(name, fd, true);
    }

    static Fn lazy(String name, FunctionDescriptor fd) {
        return new Fn(name, fd, false);
    }

    /** A handle whose first argument is the errno capture segment. */
    static MethodHandle errnoCall(String name, FunctionDescriptor fd) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(sym, fd, CAPTURE_ERRNO);
    }

    /** A plain handle for calls that report errors through their return value. */
    static MethodHandle call(String name, FunctionDescriptor fd) {
        MemorySegment sym = LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(sym, fd);
    }

    static MemorySegment captureState(Arena arena) {
        return arena.allocate(CAPTURE_LAYOUT);
    }

    static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** Wraps Throwable from invokeExact: errors of the downcall itself are programming errors. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
