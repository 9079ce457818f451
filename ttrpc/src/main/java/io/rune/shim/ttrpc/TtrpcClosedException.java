package io.rune.shim.ttrpc;

import java.io.IOException;

/**
 * The connection is gone (closed locally, by the peer, or broken). The message is exactly
 * {@code ttrpc: closed} because containerd matches that text (it tolerates it on Delete and
 * Shutdown, and maps it to NotFound on State), so keep this wording for shim-side parity.
 */
public final class TtrpcClosedException extends IOException {

    private static final long serialVersionUID = 1L;

    public static final String MESSAGE = "ttrpc: closed";

    public TtrpcClosedException() {
        super(MESSAGE);
    }

    public TtrpcClosedException(Throwable cause) {
        super(MESSAGE, cause);
    }
}
