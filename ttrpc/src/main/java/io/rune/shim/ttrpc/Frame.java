package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;

/**
 * One ttrpc message: header fields plus data. Types and flags are kept as plain ints (0..255)
 * because unknown values must survive reading so they can be ignored, not rejected.
 *
 * @param streamId unsigned 32-bit stream id held in an int (compare bit patterns)
 * @param type     message type, see {@link #TYPE_REQUEST} etc.
 * @param flags    flags byte (0 for unary calls)
 * @param data     body, at most {@link FrameCodec#MAX_DATA_LENGTH} bytes
 */
public record Frame(int streamId, int type, int flags, ByteString data) implements ReadResult {

    public static final int TYPE_REQUEST = 1;
    public static final int TYPE_RESPONSE = 2;
    /** Streaming data (ttrpc >= 1.2); never used by shim APIs, ignored by the server. */
    public static final int TYPE_DATA = 3;

    public Frame {
        if (type < 0 || type > 0xff) {
            throw new IllegalArgumentException("frame type out of range: " + type);
        }
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("frame flags out of range: " + flags);
        }
        data = data == null ? ByteString.EMPTY : data;
        if (data.size() > FrameCodec.MAX_DATA_LENGTH) {
            throw new IllegalArgumentException(FrameCodec.tooLargeMessage(data.size()));
        }
    }

    public static Frame request(int streamId, ByteString data) {
        return new Frame(streamId, TYPE_REQUEST, 0, data);
    }

    public static Frame response(int streamId, ByteString data) {
        return new Frame(streamId, TYPE_RESPONSE, 0, data);
    }

    @Override
    public String toString() {
        return "Frame{stream=" + Integer.toUnsignedString(streamId) + ", type=" + type + ", flags=" + flags
                + ", length=" + data.size() + "}";
    }
}
