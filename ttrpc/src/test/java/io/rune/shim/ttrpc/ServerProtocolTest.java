package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;
import io.rune.shim.api.ttrpc.KeyValue;
import io.rune.shim.api.ttrpc.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;

import static io.rune.shim.ttrpc.TestServices.TASK;
import static io.rune.shim.ttrpc.TestServices.TEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Server behaviour of docs/protocol.md §2.3, checked byte by byte with a raw socket. */
@Timeout(20)
class ServerProtocolTest {

    private final TestServices services = new TestServices();
    private ServerFixture fixture;
    private RawConnection conn;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(services.registry()); // default same-uid/gid peer check
        conn = fixture.raw();
    }

    @AfterEach
    void stop() throws Exception {
        conn.close();
        fixture.close();
    }

    private void assertStatus(Response response, int code, String message) {
        assertTrue(response.hasStatus(), "status present");
        assertEquals(code, response.getStatus().getCode(), "code");
        assertEquals(message, response.getStatus().getMessage());
        assertTrue(response.getPayload().isEmpty(), "no payload on error");
    }

    @Test
    void goldenConnectExchange() throws Exception {
        conn.write(FrameCodecTest.CONNECT_REQUEST);
        assertEquals(Bytes.hex(FrameCodecTest.CONNECT_RESPONSE), Bytes.hex(conn.readExactly(FrameCodecTest.CONNECT_RESPONSE.length)));
    }

    @Test
    void goldenNotFoundError() throws Exception {
        conn.request(3, TASK, "Delete", ByteString.EMPTY);
        assertEquals(Bytes.hex(FrameCodecTest.NOT_FOUND_RESPONSE), Bytes.hex(conn.readExactly(FrameCodecTest.NOT_FOUND_RESPONSE.length)));
    }

    @Test
    void emptySuccessIsZeroLengthFrame() throws Exception {
        conn.request(7, TASK, "Shutdown", ByteString.EMPTY);
        conn.request(9, TEST, "Echo", ByteString.copyFromUtf8("after"));
        assertEquals("00 00 00 00 00 00 00 07 02 00", Bytes.hex(conn.readExactly(10)));
        // Nothing else was sent for stream 7: the next bytes are the next response.
        assertEquals("after", conn.readResponse(9).getPayload().toStringUtf8());
    }

    @Test
    void unknownService() throws Exception {
        conn.request(1, "nope.v1.Nope", "Connect", ByteString.EMPTY);
        assertStatus(conn.readResponse(1), 12, "service nope.v1.Nope");
    }

    @Test
    void unknownMethod() throws Exception {
        conn.request(1, TASK, "Frobnicate", ByteString.EMPTY);
        assertStatus(conn.readResponse(1), 12, "method Frobnicate");
    }

    @Test
    void evenStreamIdIsRejectedOnThatStream() throws Exception {
        conn.request(2, TASK, "Shutdown", ByteString.EMPTY);
        assertStatus(conn.readResponse(2), 3, "StreamID must be odd for client initiated streams");
    }

    @Test
    void undecodableEnvelope() throws Exception {
        conn.send(Frame.request(5, ByteString.copyFrom(Bytes.of("0a 05 41"))));
        Response response = conn.readResponse(5);
        assertEquals(3, response.getStatus().getCode());
        assertTrue(response.getStatus().getMessage().startsWith("unmarshal request error: "), response.getStatus().getMessage());
    }

    @Test
    void undecodablePayloadIsInternal() throws Exception {
        conn.request(1, TEST, "Typed", ByteString.copyFrom(Bytes.of("0a 05 41")));
        Response response = conn.readResponse(1);
        assertEquals(13, response.getStatus().getCode());
        assertTrue(response.getStatus().getMessage().startsWith("ttrpc: error unmarshalling payload: "), response.getStatus().getMessage());

        // A good payload through the same typed handler round-trips.
        KeyValue kv = KeyValue.newBuilder().setKey("k").setValue("v").build();
        conn.request(3, TEST, "Typed", kv.toByteString());
        assertEquals(kv, KeyValue.parseFrom(conn.readResponse(3).getPayload()));
    }

    @Test
    void otherExceptionsAreUnknownAndServerSurvives() throws Exception {
        conn.request(1, TEST, "Boom", ByteString.EMPTY);
        assertStatus(conn.readResponse(1), 2, "boom");
        conn.write(FrameCodecTest.CONNECT_REQUEST);
        assertEquals(TestServices.CONNECT_RESPONSE, conn.readResponse(1).getPayload());
    }

    @Test
    void nonRequestFramesAreIgnored() throws Exception {
        conn.send(new Frame(1, Frame.TYPE_RESPONSE, 0, ByteString.copyFromUtf8("junk")));
        conn.send(new Frame(3, Frame.TYPE_DATA, 0x02, ByteString.copyFromUtf8("junk")));
        conn.send(new Frame(5, 0x7f, 0, ByteString.EMPTY));
        conn.request(7, TEST, "Echo", ByteString.copyFromUtf8("x"));
        assertEquals("x", conn.readResponse(7).getPayload().toStringUtf8());
    }

    @Test
    void oversizedFrameGetsResourceExhaustedAndConnectionStaysUsable() throws Exception {
        int length = FrameCodec.MAX_DATA_LENGTH + 1;
        ByteBuffer big = ByteBuffer.allocate(FrameCodec.HEADER_LENGTH + length);
        big.putInt(length).putInt(9).put((byte) 1).put((byte) 0);
        conn.write(big.array());
        conn.write(FrameCodecTest.CONNECT_REQUEST);
        assertStatus(conn.readResponse(9), 8, "message length 4194305 exceed maximum message size of 4194304");
        assertEquals(TestServices.CONNECT_RESPONSE, conn.readResponse(1).getPayload());
        assertEquals(1, fixture.server.openConnections());
    }

    @Test
    void metadataAndDeadlineReachTheHandler() throws Exception {
        var request = io.rune.shim.api.ttrpc.Request.newBuilder().setService(TEST).setMethod("Context")
                .setTimeoutNano(5_000_000_000L)
                .addMetadata(KeyValue.newBuilder().setKey("Containerd-Namespace-Ttrpc").setValue("default"))
                .addMetadata(KeyValue.newBuilder().setKey("x").setValue("1"))
                .addMetadata(KeyValue.newBuilder().setKey("x").setValue("2"))
                .build();
        conn.send(Frame.request(11, request.toByteString()));
        var seen = io.rune.shim.api.ttrpc.Request.parseFrom(conn.readResponse(11).getPayload());
        assertEquals("11", seen.getPayload().toStringUtf8());
        assertTrue(seen.getTimeoutNano() > 0 && seen.getTimeoutNano() <= 5_000_000_000L, "deadline derived from timeout_nano");
        assertEquals("containerd-namespace-ttrpc=default,x=1,x=2", seen.getMetadataList().stream()
                .map(kv -> kv.getKey() + "=" + kv.getValue()).sorted().reduce((a, b) -> a + "," + b).orElse(""));

        conn.request(13, TEST, "Context", ByteString.EMPTY);
        var noDeadline = io.rune.shim.api.ttrpc.Request.parseFrom(conn.readResponse(13).getPayload());
        assertEquals(0, noDeadline.getTimeoutNano());
        assertFalse(noDeadline.getMetadataCount() > 0);
    }
}
