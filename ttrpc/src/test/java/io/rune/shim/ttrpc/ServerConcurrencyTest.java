package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;
import jdk.net.UnixDomainPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.rune.shim.ttrpc.TestServices.TEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Concurrency, connection isolation, disconnects, peer check and shutdown. */
@Timeout(20)
class ServerConcurrencyTest {

    private final TestServices services = new TestServices();

    private static byte[] requests(Object... sidAndPayload) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < sidAndPayload.length; i += 2) {
            var request = io.rune.shim.api.ttrpc.Request.newBuilder().setService(TEST)
                    .setMethod(sidAndPayload[i + 1].equals("fast") ? "Echo" : "Gate")
                    .setPayload(ByteString.copyFromUtf8((String) sidAndPayload[i + 1])).build();
            FrameCodec.write(Channels.newChannel(out), Frame.request((Integer) sidAndPayload[i], request.toByteString()));
        }
        return out.toByteArray();
    }

    @Test
    void slowHandlerDoesNotBlockFastOneOnSameConnection() throws Exception {
        try (ServerFixture fixture = new ServerFixture(services.registry()); RawConnection conn = fixture.raw()) {
            // Both requests in one write: the slow one is dispatched first.
            conn.write(requests(1, "slow", 3, "fast"));
            assertEquals("fast", conn.readResponse(3).getPayload().toStringUtf8());
            assertTrue(services.entered("slow").await(5, TimeUnit.SECONDS));
            services.gate("slow").countDown();
            assertEquals("slow", conn.readResponse(1).getPayload().toStringUtf8());
        }
    }

    @Test
    void responsesComeBackInCompletionOrder() throws Exception {
        try (ServerFixture fixture = new ServerFixture(services.registry()); RawConnection conn = fixture.raw()) {
            conn.write(requests(1, "a", 3, "b", 5, "c"));
            for (String name : new String[] {"a", "b", "c"}) {
                assertTrue(services.entered(name).await(5, TimeUnit.SECONDS), name + " running concurrently");
            }
            services.gate("c").countDown();
            assertEquals("c", conn.readResponse(5).getPayload().toStringUtf8());
            services.gate("a").countDown();
            assertEquals("a", conn.readResponse(1).getPayload().toStringUtf8());
            services.gate("b").countDown();
            assertEquals("b", conn.readResponse(3).getPayload().toStringUtf8());
        }
    }

    @Test
    void garbageClosesOnlyThatConnection() throws Exception {
        BlockingQueue<Long> closed = new LinkedBlockingQueue<>();
        BlockingQueue<Long> opened = new LinkedBlockingQueue<>();
        ConnectionListener listener = new ConnectionListener() {
            @Override
            public void connectionOpened(long id, UnixDomainPrincipal peer) {
                opened.add(id);
            }

            @Override
            public void connectionClosed(long id, int remaining) {
                closed.add(id);
            }
        };
        TtrpcServer server = new TtrpcServer(services.registry(), PeerCheck.sameUser(), listener);
        try (ServerFixture fixture = new ServerFixture(server);
             RawConnection a = fixture.raw();
             RawConnection b = fixture.raw()) {
            Long first = opened.poll(5, TimeUnit.SECONDS);
            Long second = opened.poll(5, TimeUnit.SECONDS);
            assertNotNull(first);
            assertNotNull(second);
            assertEquals(2, fixture.server.openConnections());

            a.writeIfOpen("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertTrue(a.closedWithoutData(), "A closed with no reply");
            Long closedId = closed.poll(5, TimeUnit.SECONDS);
            assertNotNull(closedId);
            assertEquals(1, fixture.server.openConnections());

            b.write(FrameCodecTest.CONNECT_REQUEST);
            assertEquals(TestServices.CONNECT_RESPONSE, b.readResponse(1).getPayload());
        }
    }

    @Test
    void inFlightHandlerFinishesAfterClientDisconnects() throws Exception {
        try (ServerFixture fixture = new ServerFixture(services.registry())) {
            RawConnection conn = fixture.raw();
            conn.write(requests(1, "orphan"));
            assertTrue(services.entered("orphan").await(5, TimeUnit.SECONDS));
            conn.close();
            waitFor(() -> fixture.server.openConnections() == 0);
            services.gate("orphan").countDown();
            assertTrue(services.finished("orphan").await(5, TimeUnit.SECONDS), "handler ran to completion");

            try (RawConnection next = fixture.raw()) {
                next.request(1, TEST, "Echo", ByteString.copyFromUtf8("still serving"));
                assertEquals("still serving", next.readResponse(1).getPayload().toStringUtf8());
            }
        }
    }

    @Test
    void rejectingPeerCheckClosesWithoutReply() throws Exception {
        TtrpcServer server = new TtrpcServer(services.registry(), peer -> false, ConnectionListener.NONE);
        try (ServerFixture fixture = new ServerFixture(server); RawConnection conn = fixture.raw()) {
            conn.writeIfOpen(FrameCodecTest.CONNECT_REQUEST);
            assertTrue(conn.closedWithoutData());
            assertEquals(0, fixture.server.openConnections());
        }
    }

    @Test
    void sameUserCheckRejectsAnotherUid() throws Exception {
        SameUserPeerCheck own = SameUserPeerCheck.ofCurrentProcess();
        PeerCheck other = SameUserPeerCheck.of(own.uid() + 1, own.gid());
        TtrpcServer server = new TtrpcServer(services.registry(), other, ConnectionListener.NONE);
        try (ServerFixture fixture = new ServerFixture(server); RawConnection conn = fixture.raw()) {
            conn.writeIfOpen(FrameCodecTest.CONNECT_REQUEST);
            assertTrue(conn.closedWithoutData());
        }
        PeerCheck otherGroup = SameUserPeerCheck.of(own.uid(), own.gid() + 1);
        server = new TtrpcServer(services.registry(), otherGroup, ConnectionListener.NONE);
        try (ServerFixture fixture = new ServerFixture(server); RawConnection conn = fixture.raw()) {
            conn.writeIfOpen(FrameCodecTest.CONNECT_REQUEST);
            assertTrue(conn.closedWithoutData());
        }
    }

    @Test
    void effectiveIdIsTheSecondField() throws Exception {
        var lines = java.util.List.of("Name:\tjava", "Uid:\t1000\t1001\t1002\t1003", "Gid:\t20\t21\t22\t23");
        assertEquals(1001, SameUserPeerCheck.effectiveId(lines, "Uid:"));
        assertEquals(21, SameUserPeerCheck.effectiveId(lines, "Gid:"));
    }

    @Test
    void closeDropsConnectionsAndStopsAccepting() throws Exception {
        ServerFixture fixture = new ServerFixture(services.registry());
        try (RawConnection conn = fixture.raw()) {
            conn.write(requests(1, "pending"));
            assertTrue(services.entered("pending").await(5, TimeUnit.SECONDS));
            fixture.server.close();
            assertTrue(fixture.server.awaitTermination(Duration.ofSeconds(5)));
            assertEquals(0, fixture.server.openConnections());
            assertTrue(conn.closedWithoutData(), "connection closed by server");
            assertFalse(canConnect(fixture), "no longer accepting");
            services.gate("pending").countDown();
            assertTrue(services.finished("pending").await(5, TimeUnit.SECONDS), "in-flight handler still finishes");
        } finally {
            fixture.close();
        }
    }

    private static boolean canConnect(ServerFixture fixture) {
        try (RawConnection c = fixture.raw()) {
            c.write(FrameCodecTest.CONNECT_REQUEST);
            return !c.closedWithoutData();
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < end, "condition not reached in time");
            Thread.sleep(5);
        }
    }
}
