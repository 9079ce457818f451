package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;
import io.rune.shim.api.rpc.Status;
import io.rune.shim.api.ttrpc.Request;
import io.rune.shim.api.ttrpc.Response;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrameCodecTest {

    // Fact sheet 10.2.
    static final byte[] CONNECT_REQUEST = Bytes.of(
            "00 00 00 28  00 00 00 01  01  00  0a 17 \"containerd.task.v2.Task\"  12 07 \"Connect\"  1a 04 0a 02 \"t4\"");
    static final byte[] CONNECT_RESPONSE = Bytes.of("00 00 00 0a  00 00 00 01  02  00   12 08 08 97 b8 01 10 ea b8 01");
    static final byte[] NOT_FOUND_RESPONSE = Bytes.of(
            "00 00 00 26  00 00 00 03  02  00   0a 24 08 05 12 20 \"container not created: not found\"");

    private static byte[] encode(Frame frame) {
        ByteBuffer buf = FrameCodec.encode(frame);
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        return out;
    }

    private static ReadableByteChannel channel(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return Channels.newChannel(new ByteArrayInputStream(out.toByteArray()));
    }

    @Test
    void encodesGoldenConnectRequest() {
        Request request = Request.newBuilder().setService("containerd.task.v2.Task").setMethod("Connect")
                .setPayload(ByteString.copyFrom(Bytes.of("0a 02 \"t4\""))).build();
        assertEquals(Bytes.hex(CONNECT_REQUEST), Bytes.hex(encode(Frame.request(1, request.toByteString()))));
    }

    @Test
    void encodesGoldenResponses() {
        Response ok = Replies.ok(TestServices.CONNECT_RESPONSE);
        assertEquals(Bytes.hex(CONNECT_RESPONSE), Bytes.hex(encode(Frame.response(1, ok.toByteString()))));

        Response notFound = Replies.failure(TtrpcException.notFound("container not created: not found"));
        assertEquals(Bytes.hex(NOT_FOUND_RESPONSE), Bytes.hex(encode(Frame.response(3, notFound.toByteString()))));

        Response empty = Replies.ok(ByteString.EMPTY);
        assertEquals("00 00 00 00 00 00 00 05 02 00", Bytes.hex(encode(Frame.response(5, empty.toByteString()))));
    }

    @Test
    void decodesGoldenFrames() throws IOException {
        ReadableByteChannel ch = channel(CONNECT_REQUEST, NOT_FOUND_RESPONSE);
        Frame request = assertInstanceOf(Frame.class, FrameCodec.read(ch));
        assertEquals(1, request.streamId());
        assertEquals(Frame.TYPE_REQUEST, request.type());
        assertEquals(0, request.flags());
        Request decoded = Request.parseFrom(request.data());
        assertEquals("containerd.task.v2.Task", decoded.getService());
        assertEquals("Connect", decoded.getMethod());
        assertEquals(0, decoded.getTimeoutNano());

        Frame response = assertInstanceOf(Frame.class, FrameCodec.read(ch));
        assertEquals(3, response.streamId());
        Status status = Response.parseFrom(response.data()).getStatus();
        assertEquals(5, status.getCode());
        assertEquals("container not created: not found", status.getMessage());
        assertInstanceOf(EndOfStream.class, FrameCodec.read(ch));
    }

    @Test
    void roundTripsVariousFrames() throws IOException {
        Random random = new Random(42);
        Frame[] frames = new Frame[20];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < frames.length; i++) {
            byte[] data = new byte[random.nextInt(3) == 0 ? 0 : random.nextInt(5000)];
            random.nextBytes(data);
            // Include a stream id with the top bit set: ids are unsigned 32-bit.
            int sid = i == 7 ? 0xFFFF_FFFF : 2 * i + 1;
            frames[i] = new Frame(sid, 1 + random.nextInt(3), random.nextInt(256), ByteString.copyFrom(data));
            FrameCodec.write(Channels.newChannel(out), frames[i]);
        }
        ReadableByteChannel ch = channel(out.toByteArray());
        for (Frame expected : frames) {
            assertEquals(expected, FrameCodec.read(ch));
        }
        assertInstanceOf(EndOfStream.class, FrameCodec.read(ch));
    }

    @Test
    void maxSizeFrameRoundTrips() throws IOException {
        byte[] data = new byte[FrameCodec.MAX_DATA_LENGTH];
        Arrays.fill(data, (byte) 0x5a);
        Frame frame = Frame.request(1, ByteString.copyFrom(data));
        byte[] bytes = encode(frame);
        assertEquals("00 40 00 00 00 00 00 01 01 00", Bytes.hex(Arrays.copyOf(bytes, 10)));
        assertEquals(frame, FrameCodec.read(channel(bytes)));
    }

    @Test
    void frameOverMaxCannotBeBuilt() {
        ByteString tooBig = ByteString.copyFrom(new byte[FrameCodec.MAX_DATA_LENGTH + 1]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Frame.request(1, tooBig));
        assertEquals("message length 4194305 exceed maximum message size of 4194304", e.getMessage());
    }

    @Test
    void oversizedFrameIsSkippedInChunksAndStreamStaysAligned() throws IOException {
        long length = FrameCodec.MAX_DATA_LENGTH + 1L;
        byte[] header = Bytes.of("00 40 00 01  00 00 00 09  01  00");
        LazyChannel ch = new LazyChannel(header, length, CONNECT_REQUEST);

        OversizedFrame big = assertInstanceOf(OversizedFrame.class, FrameCodec.read(ch));
        assertEquals(new OversizedFrame(9, 1, 0, length), big);
        assertEquals("message length 4194305 exceed maximum message size of 4194304", big.message());
        // The body was never held in one buffer: every read asked for a small chunk.
        assertTrue(ch.largestRead <= 64 * 1024, "largest read " + ch.largestRead);

        Frame next = assertInstanceOf(Frame.class, FrameCodec.read(ch));
        assertEquals("Connect", Request.parseFrom(next.data()).getMethod());
        assertInstanceOf(EndOfStream.class, FrameCodec.read(ch));
    }

    @Test
    void garbageHeaderIsMalformed() {
        byte[] http = "GET / HTTP/1.1\r\n\r\n".getBytes();
        assertThrows(MalformedFrameException.class, () -> FrameCodec.read(channel(http)));
    }

    @Test
    void truncatedFramesAreEof() throws IOException {
        assertThrows(EOFException.class, () -> FrameCodec.read(channel(Arrays.copyOf(CONNECT_REQUEST, 5))));
        assertThrows(EOFException.class, () -> FrameCodec.read(channel(Arrays.copyOf(CONNECT_REQUEST, 20))));
        assertInstanceOf(EndOfStream.class, FrameCodec.read(channel()));
    }

    @Test
    void decodesUnsignedHeaderFields() throws IOException {
        Frame frame = assertInstanceOf(Frame.class, FrameCodec.read(channel(Bytes.of("00 00 00 01 ff ff ff fd 03 05 7f"))));
        assertEquals(0xFFFF_FFFD, frame.streamId());
        assertEquals(3, frame.type());
        assertEquals(5, frame.flags());
        assertArrayEquals(new byte[] {0x7f}, frame.data().toByteArray());
    }

    /** Serves a prefix, {@code zeros} generated bytes, and a suffix, without allocating the middle. */
    private static final class LazyChannel implements ReadableByteChannel {
        private final ByteBuffer prefix;
        private long zeros;
        private final ByteBuffer suffix;
        int largestRead;

        LazyChannel(byte[] prefix, long zeros, byte[] suffix) {
            this.prefix = ByteBuffer.wrap(prefix);
            this.zeros = zeros;
            this.suffix = ByteBuffer.wrap(suffix);
        }

        @Override
        public int read(ByteBuffer dst) {
            if (prefix.hasRemaining()) {
                return copy(prefix, dst);
            }
            if (zeros > 0) {
                largestRead = Math.max(largestRead, dst.remaining());
                int n = (int) Math.min(zeros, dst.remaining());
                dst.put(new byte[n]);
                zeros -= n;
                return n;
            }
            return suffix.hasRemaining() ? copy(suffix, dst) : -1;
        }

        private static int copy(ByteBuffer src, ByteBuffer dst) {
            int n = Math.min(src.remaining(), dst.remaining());
            dst.put(src.slice(src.position(), n));
            src.position(src.position() + n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
