package io.rune.shim.e2e;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import io.rune.shim.api.ttrpc.Request;
import io.rune.shim.api.ttrpc.Response;
import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A deliberately low-level ttrpc client (docs/protocol.md §2.1, §10.2) for sending well-formed and broken
 * frames to a shim socket: 10-byte big-endian header {length, stream id, type, flags} + body.
 */
public final class TtrpcRawClient implements AutoCloseable {
    public static final int HEADER_SIZE = 10;
    public static final int MAX_MESSAGE = 4 << 20;
    public static final byte TYPE_REQUEST = 1;
    public static final byte TYPE_RESPONSE = 2;
    public static final String TASK_SERVICE = "containerd.task.v2.Task";

    /** One received frame. */
    public record Frame(int length, int streamId, int type, int flags, byte[] body) {}

    /** A decoded response: code 0 = OK (then payload holds the reply message). */
    public record Reply(int streamId, int code, String message, byte[] payload) {
        @Override
        public String toString() {
            return "Reply{stream=" + streamId + ", code=" + code + ", message='" + message + "', payload=" + payload.length + "B}";
        }
    }

    private final SocketChannel ch;
    private final Selector selector;
    private int nextStream = 1;

    public TtrpcRawClient(Path socket) throws IOException {
        ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(socket));
        ch.configureBlocking(false);
        selector = Selector.open();
    }

    /** Next odd client stream id (1, 3, 5, ...). */
    public int nextStreamId() {
        int id = nextStream;
        nextStream += 2;
        return id;
    }

    public static byte[] header(int length, int streamId, byte type, byte flags) {
        return ByteBuffer.allocate(HEADER_SIZE).putInt(length).putInt(streamId).put(type).put(flags).array();
    }

    public static byte[] envelope(String service, String method, MessageLite payload) {
        return Request.newBuilder().setService(service).setMethod(method)
                .setPayload(payload == null ? ByteString.EMPTY : payload.toByteString())
                .build().toByteArray();
    }

    /** Writes raw bytes (header and body as given, nothing checked). */
    public void writeRaw(byte[]... parts) throws IOException {
        for (byte[] part : parts) {
            ByteBuffer b = ByteBuffer.wrap(part);
            while (b.hasRemaining()) {
                if (ch.write(b) == 0) {
                    waitFor(SelectionKey.OP_WRITE, 10_000);
                }
            }
        }
    }

    /** Sends a request frame with a correct header for the body. */
    public void sendRequest(int streamId, byte[] body) throws IOException {
        writeRaw(header(body.length, streamId, TYPE_REQUEST, (byte) 0), body);
    }

    /** Reads one frame; null when nothing complete arrived within the timeout. */
    public Frame readFrame(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer h = ByteBuffer.allocate(HEADER_SIZE);
        if (!fill(h, deadline)) {
            return null;
        }
        h.flip();
        int len = h.getInt();
        int sid = h.getInt();
        int type = h.get() & 0xff;
        int flags = h.get() & 0xff;
        if (len < 0 || len > MAX_MESSAGE) {
            throw new IOException("server sent frame length " + Integer.toUnsignedString(len));
        }
        ByteBuffer body = ByteBuffer.allocate(len);
        if (!fill(body, deadline)) {
            throw new IOException("timed out inside a frame body");
        }
        return new Frame(len, sid, type, flags, body.array());
    }

    /** Reads one frame and decodes it as a ttrpc Response. */
    public Reply readReply(Duration timeout) throws IOException {
        Frame f = readFrame(timeout);
        if (f == null) {
            return null;
        }
        if (f.type() != TYPE_RESPONSE) {
            throw new IOException("expected a response frame, got type " + f.type());
        }
        try {
            Response r = Response.parseFrom(f.body());
            return new Reply(f.streamId(), r.hasStatus() ? r.getStatus().getCode() : 0,
                    r.hasStatus() ? r.getStatus().getMessage() : "", r.getPayload().toByteArray());
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("undecodable Response from server", e);
        }
    }

    /** One unary call on a fresh stream id; null when no reply came in time. */
    public Reply call(String service, String method, MessageLite payload, Duration timeout) throws IOException {
        int sid = nextStreamId();
        sendRequest(sid, envelope(service, method, payload));
        Reply r = readReply(timeout);
        if (r != null && r.streamId() != sid) {
            throw new IOException("reply on stream " + r.streamId() + ", expected " + sid);
        }
        return r;
    }

    private boolean fill(ByteBuffer b, long deadline) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b);
            if (n < 0) {
                throw new EOFException("connection closed by server (" + b.position() + " bytes of " + b.capacity() + " read)");
            }
            if (n == 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return false;
                }
                waitFor(SelectionKey.OP_READ, left);
            }
        }
        return true;
    }

    private void waitFor(int op, long millis) throws IOException {
        SelectionKey k = ch.register(selector, op);
        try {
            selector.select(Math.max(1, millis));
        } finally {
            k.cancel();
            selector.selectNow();
        }
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            ch.close();
        }
    }
}
