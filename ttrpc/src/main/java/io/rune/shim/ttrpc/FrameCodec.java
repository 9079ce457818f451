package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * Reads and writes ttrpc frames (docs/protocol.md §2.1): a 10-byte big-endian header
 * {@code length u32, stream id u32, type u8, flags u8} followed by {@code length} bytes of data.
 *
 * <p>Channels must be in blocking mode. The codec is stateless; callers serialise concurrent
 * writes themselves (the server and client each hold a per-connection write lock).
 *
 * <p>Length policy, and why:
 * <ul>
 *   <li>{@code <= 4 MiB}: a normal frame.</li>
 *   <li>{@code 4 MiB < length < 16 MiB}: a real peer sending a too-big message. The body is
 *       skipped in small chunks (never buffered whole) and reported as {@link OversizedFrame}
 *       so the server can answer RESOURCE_EXHAUSTED and keep the connection, like Go ttrpc.</li>
 *   <li>{@code >= 16 MiB} (first length byte non-zero): no ttrpc peer sends this, since the
 *       limit keeps the first byte zero. It means garbage or a lost frame boundary, so we stop
 *       with {@link MalformedFrameException} instead of waiting to skip gigabytes.</li>
 * </ul>
 */
public final class FrameCodec {

    public static final int HEADER_LENGTH = 10;
    /** Largest data length a peer may send or receive: 4 MiB. */
    public static final int MAX_DATA_LENGTH = 4 << 20;
    /** Declared lengths at or above this cannot come from a ttrpc peer (see class comment). */
    static final long GARBAGE_LENGTH = 1L << 24;

    private static final int DISCARD_CHUNK = 64 << 10;

    private FrameCodec() {
    }

    /** The message Go ttrpc uses when a frame is over the limit. */
    public static String tooLargeMessage(long length) {
        return "message length " + length + " exceed maximum message size of " + MAX_DATA_LENGTH;
    }

    /** Header and data in one buffer, so a frame goes out in one write call. */
    public static ByteBuffer encode(Frame frame) {
        ByteBuffer buf = ByteBuffer.allocate(HEADER_LENGTH + frame.data().size()).order(ByteOrder.BIG_ENDIAN);
        buf.putInt(frame.data().size());
        buf.putInt(frame.streamId());
        buf.put((byte) frame.type());
        buf.put((byte) frame.flags());
        frame.data().copyTo(buf);
        return buf.flip();
    }

    /** Writes one whole frame; loops because a channel may accept fewer bytes than offered. */
    public static void write(WritableByteChannel channel, Frame frame) throws IOException {
        ByteBuffer buf = encode(frame);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** What a reader learns about a frame in progress: its first byte arrived, and it ended. */
    interface FrameWatch {
        FrameWatch NONE = new FrameWatch() {
            @Override public void begun() {}
            @Override public void ended() {}
        };

        void begun();

        void ended();
    }

    /** First size of a body buffer; it doubles as bytes arrive, up to the declared length. */
    static final int FIRST_BODY_CHUNK = 4096;

    /** Reads the next frame, with no budget (a client reading its server's answers). */
    public static ReadResult read(ReadableByteChannel channel) throws IOException {
        return read(channel, ReadBudget.UNLIMITED, FrameWatch.NONE);
    }

    /**
     * Reads the next frame. The body buffer grows as bytes arrive (never to the declared length
     * up front), each growth taken from {@code budget} and given back once the frame is complete
     * or abandoned; {@code watch} hears when the first byte of a frame came and when it ended.
     *
     * @return a {@link Frame}, an {@link OversizedFrame} (body already skipped), or
     *         {@link EndOfStream} when the peer closed exactly between frames
     * @throws MalformedFrameException when the header cannot be ttrpc, or the budget is spent
     * @throws EOFException            when the stream ends inside a frame
     */
    static ReadResult read(ReadableByteChannel channel, ReadBudget budget, FrameWatch watch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.BIG_ENDIAN);
        // an idle connection waits here as long as it likes; a frame, once begun, is watched
        int first = channel.read(header);
        while (first == 0) first = channel.read(header);
        if (first < 0) {
            return new EndOfStream();
        }
        watch.begun();
        try {
            int got = first + readUpTo(channel, header);
            if (header.hasRemaining()) {
                throw new EOFException("ttrpc: stream ended inside a frame header (" + got + " of " + HEADER_LENGTH + " bytes)");
            }
            long length = Integer.toUnsignedLong(header.getInt(0));
            int streamId = header.getInt(4);
            int type = header.get(8) & 0xff;
            int flags = header.get(9) & 0xff;
            if (length > MAX_DATA_LENGTH) {
                if (length >= GARBAGE_LENGTH) {
                    throw new MalformedFrameException("ttrpc: malformed frame header, declared length " + length);
                }
                discard(channel, length);
                return new OversizedFrame(streamId, type, flags, length);
            }
            byte[] data = readBody(channel, (int) length, budget);
            // The array is fresh and never touched again, so wrapping without a copy is safe.
            return new Frame(streamId, type, flags, length == 0 ? ByteString.EMPTY : UnsafeByteOperations.unsafeWrap(data));
        } finally {
            watch.ended();
        }
    }

    /** The body, in a buffer that doubles as its bytes arrive, its size always paid for from the budget. */
    private static byte[] readBody(ReadableByteChannel channel, int length, ReadBudget budget) throws IOException {
        if (length == 0) return new byte[0];
        int size = Math.min(length, FIRST_BODY_CHUNK);
        if (!budget.take(size)) throw spent(budget);
        long held = size;
        try {
            ByteBuffer body = ByteBuffer.allocate(size);
            while (true) {
                readUpTo(channel, body);
                if (body.hasRemaining()) {
                    throw new EOFException("ttrpc: stream ended inside a frame body (" + body.position() + " of " + length + " bytes)");
                }
                if (body.capacity() == length) return body.array();
                int bigger = (int) Math.min(length, 2L * body.capacity());
                if (!budget.take(bigger)) throw spent(budget);
                held += bigger;
                ByteBuffer grown = ByteBuffer.allocate(bigger);
                grown.put(body.flip());
                budget.give(body.capacity());
                held -= body.capacity();
                body = grown;
            }
        } finally {
            budget.give(held);
        }
    }

    private static MalformedFrameException spent(ReadBudget budget) {
        return new MalformedFrameException("ttrpc: server read budget spent (" + budget.limit()
                + " bytes in frames still arriving): connection closed");
    }

    /** Fills {@code buf} until full or end of stream; returns bytes read. */
    private static int readUpTo(ReadableByteChannel channel, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int n = channel.read(buf);
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /** Skips exactly {@code length} bytes through a small scratch buffer. */
    private static void discard(ReadableByteChannel channel, long length) throws IOException {
        ByteBuffer scratch = ByteBuffer.allocate((int) Math.min(DISCARD_CHUNK, length));
        long left = length;
        while (left > 0) {
            scratch.clear().limit((int) Math.min(scratch.capacity(), left));
            int n = channel.read(scratch);
            if (n < 0) {
                throw new EOFException("ttrpc: stream ended inside an oversized frame body (" + (length - left) + " of " + length + " bytes)");
            }
            left -= n;
        }
    }
}
