package io.rune.shim.ttrpc;

import java.io.IOException;

/**
 * The bytes on the stream are not ttrpc (e.g. a length no ttrpc peer could send). The stream
 * cannot be re-synchronised, so the owner closes that connection only.
 */
public final class MalformedFrameException extends IOException {

    private static final long serialVersionUID = 1L;

    public MalformedFrameException(String message) {
        super(message);
    }
}
