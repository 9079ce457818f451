package io.rune.shim.sys;

import java.io.IOException;

/** A failed libc call: which call, on what, and the errno with its name. */
public final class SysException extends IOException {
    private final int errno;
    private final String call;

    public SysException(String call, String subject, int errno) {
        super(call + (subject == null || subject.isEmpty() ? "" : " " + subject) + ": "
                + Errno.name(errno) + " (" + strerror(errno) + ")");
        this.errno = errno;
        this.call = call;
    }

    public int errno() { return errno; }
    public String call() { return call; }

    private static String strerror(int errno) {
        return switch (errno) {
            case Errno.EPERM -> "operation not permitted";
            case Errno.ENOENT -> "no such file or directory";
            case Errno.ESRCH -> "no such process";
            case Errno.EBADF -> "bad file descriptor";
            case Errno.ECHILD -> "no child processes";
            case Errno.EAGAIN -> "resource temporarily unavailable";
            case Errno.EACCES -> "permission denied";
            case Errno.EBUSY -> "device or resource busy";
            case Errno.EEXIST -> "file exists";
            case Errno.ENOTDIR -> "not a directory";
            case Errno.EINVAL -> "invalid argument";
            case Errno.EPIPE -> "broken pipe";
            case Errno.EADDRINUSE -> "address already in use";
            case Errno.ECONNREFUSED -> "connection refused";
            default -> "see errno(3)";
        };
    }
}
