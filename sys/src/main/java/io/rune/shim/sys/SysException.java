package io.rune.shim.sys;

import java.io.IOException;

/**
 * A failed libc call. The message reads as the C library and Go put it, the call and what it was
 * applied to, then the errno's description: {@code open /run/x/log.json: no such file or directory}.
 * Callers test the number through {@link #errno()} against {@link Errno}, never the text.
 */
public final class SysException extends IOException {
    private final int errno;
    private final String call;
    private final String subject;
    /** Built on first use: the description costs a libc call, and many of these are caught unread (EAGAIN). */
    private String message;

    /** @param subject what the call was applied to (a path, "fd 7"), or null */
    public SysException(String call, String subject, int errno) {
        super((String) null);
        this.errno = errno;
        this.call = call;
        this.subject = subject == null || subject.isEmpty() ? null : subject;
    }

    public int errno() { return errno; }

    /** The symbolic name of the errno, "ENOENT". */
    public String errnoName() { return Errno.name(errno); }

    /** The libc function that failed, "open". */
    public String call() { return call; }

    /** What the call was applied to (a path, "fd 7"), or null. */
    public String subject() { return subject; }

    @Override
    public String getMessage() {
        String m = message;
        if (m == null) {
            m = call + (subject == null ? "" : " " + subject) + ": " + Errno.description(errno);
            message = m;
        }
        return m;
    }
}
