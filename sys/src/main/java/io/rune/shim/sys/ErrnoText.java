package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;

/**
 * The C library's own words for an errno: its description and its symbolic name. glibc's
 * strerrordesc_np and strerrorname_np are preferred: untranslated whatever the locale, and safe
 * on any thread. Other C libraries fall back to strerror(3) and to the names {@link Errno} knows.
 */
final class ErrnoText {
    private static final Native.Fn DESC = Native.lazy("strerrordesc_np", FunctionDescriptor.of(ADDR, INT));
    private static final Native.Fn NAME = Native.lazy("strerrorname_np", FunctionDescriptor.of(ADDR, INT));
    private static final Native.Fn STRERROR = Native.lazy("strerror", FunctionDescriptor.of(ADDR, INT));
    private static final long MAX_TEXT = 1024;

    private ErrnoText() {}

    /** The description, first letter lower-cased as Go prints errnos ("no such file or directory"); null if unknown. */
    static String description(int errno) {
        String s = Holder.HAS_NP ? cString(Native.invokeAddress(() -> (MemorySegment) DESC.get().invokeExact(errno)))
                : strerror(errno);
        return s == null || s.isEmpty() ? null : lowerFirst(s);
    }

    /** "ENOENT", or null when the C library cannot name it. */
    static String name(int errno) {
        if (!Holder.HAS_NP) return null;
        return cString(Native.invokeAddress(() -> (MemorySegment) NAME.get().invokeExact(errno)));
    }

    static String strerror(int errno) {
        // strerror's text of an unknown number lives in a buffer a later call may reuse
        synchronized (STRERROR) {
            String s = cString(Native.invokeAddress(() -> (MemorySegment) STRERROR.get().invokeExact(errno)));
            return s == null || s.startsWith("Unknown error") ? null : s;
        }
    }

    /** "Exec format error" → "exec format error"; a leading acronym ("RPC struct is bad") stays as it is. */
    static String lowerFirst(String s) {
        if (s.length() >= 2 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))) {
            return Character.toLowerCase(s.charAt(0)) + s.substring(1);
        }
        return s;
    }

    private static String cString(MemorySegment p) {
        if (p.equals(MemorySegment.NULL)) return null;
        return p.reinterpret(MAX_TEXT).getString(0);
    }

    /** Looked up on first use: only error paths need it. */
    private static final class Holder {
        static final boolean HAS_NP = Native.has("strerrordesc_np") && Native.has("strerrorname_np");
    }
}
