package io.rune.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.rune.shim.api.ttrpc.Response;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Peers that announce large frames and then stall: the server's memory stays bounded by what has
 * arrived and by its read budget, stalled frames time out, and a well-behaved connection keeps
 * being served throughout.
 */
@Timeout(60)
class HostilePeersTest {
    /** A 4 MiB request frame announced, one body byte sent. */
    private static final byte[] STALLED_HEADER = Bytes.of("00 40 00 00 00 00 00 01 01 00 0a");

    private final TestServices services = new TestServices();
    private ServerFixture fixture;
    private final List<SocketChannel> peers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(services.registry());
    }

    @AfterEach
    void stop() throws Exception {
        for (SocketChannel p : peers) p.close();
        fixture.close();
    }

    private void assertStillServed() throws Exception {
        try (RawConnection ok = fixture.raw()) {
            ok.request(3, TestServices.TASK, "Shutdown", ByteString.EMPTY);
            Response r = ok.readResponse(3);
            assertFalse(r.hasStatus(), "answered without error: " + r);
        }
    }

    @Test
    void athousandStalledFramesHoldLittleAndOthersAreServed() throws Exception {
        for (int i = 0; i < 1000; i++) {
            SocketChannel p = SocketChannel.open(fixture.address);
            p.write(ByteBuffer.wrap(STALLED_HEADER));
            peers.add(p);
        }
        Thread.sleep(500); // every reader has its header and first body byte
        long held = fixture.server.bufferedBytes();
        assertTrue(held <= 1000L * FrameCodec.FIRST_BODY_CHUNK,
                "bytes held for 1000 stalled 4 MiB frames: " + held + " (the old reader held 4 GiB of promises)");
        assertStillServed();
    }

    @Test
    void framesThatWouldPassTheBudgetCloseTheirConnectionOnly() throws Exception {
        byte[] header = Bytes.of("00 40 00 00 00 00 00 01 01 00");
        byte[] almostAll = new byte[(4 << 20) - 16]; // 4 MiB less a few bytes: the frame never completes
        int closed = 0;
        for (int i = 0; i < 12; i++) {
            SocketChannel p = SocketChannel.open(fixture.address);
            peers.add(p);
            p.write(ByteBuffer.wrap(header));
            try {
                ByteBuffer b = ByteBuffer.wrap(almostAll);
                while (b.hasRemaining()) p.write(b);
            } catch (java.io.IOException e) {
                closed++; // the server dropped this one: over its budget
            }
            assertStillServed();
        }
        Thread.sleep(300);
        assertTrue(fixture.server.bufferedBytes() <= 8L * FrameCodec.MAX_DATA_LENGTH,
                "held " + fixture.server.bufferedBytes());
        assertTrue(closed >= 1 || fixture.server.bufferedBytes() < 12L * ((4 << 20) - 16),
                "12 nearly whole 4 MiB frames cannot all be held under an 8-frame budget");
    }

    @Test
    void aFrameThatStallsIsClosedAfterTheTimeout() throws Exception {
        SocketChannel p = SocketChannel.open(fixture.address);
        peers.add(p);
        p.write(ByteBuffer.wrap(STALLED_HEADER));
        Thread.sleep(ServerConnection.PARTIAL_FRAME_TIMEOUT.toMillis() + 1500);
        ByteBuffer b = ByteBuffer.allocate(16);
        int n;
        try {
            n = p.read(b);
        } catch (java.net.SocketException reset) {
            n = -1;
        }
        assertEquals(-1, n, "the server closed the stalled connection");
        assertEquals(0, fixture.server.bufferedBytes(), "its buffer was given back");
        assertStillServed();
    }
}
