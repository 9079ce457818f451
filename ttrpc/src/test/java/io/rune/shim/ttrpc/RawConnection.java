package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;
import io.rune.shim.api.ttrpc.Request;
import io.rune.shim.api.ttrpc.Response;

import java.io.IOException;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** A test client that speaks raw bytes, so server behaviour is checked on the wire. */
final class RawConnection implements AutoCloseable {

    final SocketChannel channel;

    RawConnection(UnixDomainSocketAddress address) throws IOException {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(address);
    }

    void write(byte[] bytes) throws IOException {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /**
     * Writes if the server still listens. A rejecting server may close before our bytes land
     * (EPIPE/reset); that is fine when the test only checks that no reply comes.
     */
    void writeIfOpen(byte[] bytes) {
        try {
            write(bytes);
        } catch (IOException e) {
            // closed by the server already
        }
    }

    void send(Frame frame) throws IOException {
        FrameCodec.write(channel, frame);
    }

    void request(int streamId, String service, String method, ByteString payload) throws IOException {
        send(Frame.request(streamId, Request.newBuilder().setService(service).setMethod(method).setPayload(payload).build().toByteString()));
    }

    /** Reads exactly n bytes (fails if the stream ends first). */
    byte[] readExactly(int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (channel.read(buf) < 0) {
                throw new IOException("EOF after " + buf.position() + " of " + n + " bytes");
            }
        }
        return buf.array();
    }

    Frame readFrame() throws IOException {
        return assertInstanceOf(Frame.class, FrameCodec.read(channel));
    }

    /** Reads a Response frame and checks its stream id and type. */
    Response readResponse(int expectedStreamId) throws IOException {
        Frame frame = readFrame();
        assertEquals(Frame.TYPE_RESPONSE, frame.type(), "frame type");
        assertEquals(expectedStreamId, frame.streamId(), "stream id");
        return Response.parseFrom(frame.data());
    }

    /**
     * True when the server closed the connection without sending anything more. Closing a
     * socket that still holds unread input makes the kernel reset it, so a reset counts too.
     */
    boolean closedWithoutData() throws IOException {
        ByteBuffer one = ByteBuffer.allocate(1);
        try {
            return channel.read(one) < 0;
        } catch (SocketException e) {
            if ("Connection reset".equals(e.getMessage())) {
                return true;
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
