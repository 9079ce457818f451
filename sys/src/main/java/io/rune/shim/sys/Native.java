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
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
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

    /** True when libc has the function (some are glibc extensions). */
    static boolean has(String name) {
        return LIBC.find(name).isPresent();
    }

    /** The body of a downcall to a function that fails with -1 and errno, given the segment that captures errno. */
    @FunctionalInterface
    interface ErrnoCall {
        long invoke(MemorySegment errnoState) throws Throwable;
    }

    /** The body of a downcall that cannot fail, or says how it failed in its result. */
    @FunctionalInterface
    interface PlainCall {
        long invoke() throws Throwable;
    }

    /**
     * Runs the call once: its result, or minus its errno when it failed. For callers to which some
     * errno is an answer rather than an error (ECHILD of wait4, EINTR of close); others use call().
     */
    static long attempt(ErrnoCall c) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(CAPTURE_LAYOUT);
            long r = c.invoke(st);
            return r < 0 ? -(int) ERRNO.get(st, 0L) : r;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Runs the call, again whenever a signal interrupted it (EINTR), and returns its result; a
     * failure becomes a SysException naming the call and what it was applied to.
     */
    static long call(String function, String subject, ErrnoCall c) throws SysException {
        while (true) {
            long r = attempt(c);
            if (r >= 0) return r;
            if (r != -Errno.EINTR) throw new SysException(function, subject, (int) -r);
        }
    }

    /** Runs a call that returns 0 or an errno number itself, as posix_spawn and its helpers do. */
    static void callReturningErrno(String function, String subject, PlainCall c) throws SysException {
        int rc = (int) invoke(c);
        if (rc != 0) throw new SysException(function, subject, rc);
    }

    /** Runs a call that cannot fail (getpid) or whose result the caller reads itself. */
    static long invoke(PlainCall c) {
        try {
            return c.invoke();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The body of a downcall that returns a pointer. */
    @FunctionalInterface
    interface AddressCall {
        MemorySegment invoke() throws Throwable;
    }

    /** Runs a call that returns a pointer and cannot fail (or says so with NULL). */
    static MemorySegment invokeAddress(AddressCall c) {
        try {
            return c.invoke();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Wraps Throwable from invokeExact: errors of the downcall itself are programming errors. */
    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }
}
