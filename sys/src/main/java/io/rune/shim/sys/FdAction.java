package io.rune.shim.sys;

/** What a spawned child's file-descriptor table gets, applied in order before exec. */
public sealed interface FdAction {
    /** The child's fd {@code target} becomes a copy of our {@code source} (close-on-exec cleared). */
    record Dup(int source, int target) implements FdAction {}

    /** The child opens {@code path} as fd {@code target}. */
    record Open(int target, String path, int flags, int mode) implements FdAction {}

    static FdAction devNull(int target) {
        return new Open(target, "/dev/null", target == 0 ? Posix.O_RDONLY : Posix.O_WRONLY, 0);
    }
}
