package io.rune.shim.sys;

import java.util.Map;

/** errno numbers of x86_64/aarch64 Linux that the shim looks at; names and descriptions of any errno. */
public final class Errno {
    public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, EBADF = 9, ECHILD = 10,
            EAGAIN = 11, ENOMEM = 12, EACCES = 13, EBUSY = 16, EEXIST = 17, ENODEV = 19, ENOTDIR = 20,
            EINVAL = 22, ENOSPC = 28, EPIPE = 32, ENAMETOOLONG = 36, EADDRINUSE = 98, ECONNREFUSED = 111;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(ESRCH, "ESRCH"),
            Map.entry(EINTR, "EINTR"), Map.entry(EIO, "EIO"), Map.entry(EBADF, "EBADF"),
            Map.entry(ECHILD, "ECHILD"), Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"),
            Map.entry(EACCES, "EACCES"), Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"),
            Map.entry(ENODEV, "ENODEV"), Map.entry(ENOTDIR, "ENOTDIR"), Map.entry(EINVAL, "EINVAL"),
            Map.entry(ENOSPC, "ENOSPC"), Map.entry(EPIPE, "EPIPE"), Map.entry(ENAMETOOLONG, "ENAMETOOLONG"),
            Map.entry(EADDRINUSE, "EADDRINUSE"), Map.entry(ECONNREFUSED, "ECONNREFUSED"));

    private Errno() {}

    /** The symbolic name ("ENOENT"); "errno 8" when neither this table nor the C library knows it. */
    public static String name(int errno) {
        String n = NAMES.get(errno);
        if (n == null) n = ErrnoText.name(errno);
        return n != null ? n : "errno " + errno;
    }

    /**
     * What the C library says for it, lower-cased as Go prints errnos: "no such file or directory",
     * "exec format error"; "errno 4095" for a number it does not know.
     */
    public static String description(int errno) {
        String d = ErrnoText.description(errno);
        return d != null ? d : "errno " + errno;
    }
}
