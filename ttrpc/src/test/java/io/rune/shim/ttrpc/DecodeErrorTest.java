package io.rune.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.api.ttrpc.Request;
import org.junit.jupiter.api.Test;

class DecodeErrorTest {
    /** A truncated message reads as Go's "unexpected EOF", as the Go shim answers the same bytes. */
    @Test
    void truncatedMessageIsUnexpectedEof() {
        InvalidProtocolBufferException e = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidProtocolBufferException.class, () -> Request.parseFrom(new byte[] {0x0a, 0x10, 'x'}));
        assertEquals("unexpected EOF", Replies.decodeError(e));
        assertEquals("ttrpc: error unmarshalling payload: unexpected EOF",
                Replies.failure(e).getStatus().getMessage());
    }
}
