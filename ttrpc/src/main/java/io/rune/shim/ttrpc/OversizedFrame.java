package io.rune.shim.ttrpc;

/**
 * A frame whose declared data length exceeded {@link FrameCodec#MAX_DATA_LENGTH}. Its body has
 * already been discarded from the stream, so the connection can keep going; the server answers
 * RESOURCE_EXHAUSTED on {@code streamId}, as the Go server does.
 *
 * @param length declared data length (unsigned 32-bit value, hence long)
 */
public record OversizedFrame(int streamId, int type, int flags, long length) implements ReadResult {

    /** The status message Go ttrpc uses for this case (docs/protocol.md §2.3). */
    public String message() {
        return FrameCodec.tooLargeMessage(length);
    }
}
