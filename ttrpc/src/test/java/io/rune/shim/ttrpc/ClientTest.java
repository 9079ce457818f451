package io.rune.shim.ttrpc;

import io.rune.shim.api.Code;
import com.google.protobuf.ByteString;
import io.rune.shim.api.ttrpc.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.rune.shim.ttrpc.TestServices.TASK;
import static io.rune.shim.ttrpc.TestServices.TEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TtrpcClient against TtrpcServer end to end. */
@Timeout(20)
class ClientTest {

    private final TestServices services = new TestServices();
    private ServerFixture fixture;
    private TtrpcClient client;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(services.registry());
        client = fixture.client(); // unix:// form
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        fixture.close();
    }

    @Test
    void callsAndGetsPayload() throws Exception {
        ByteString reply = client.call(TASK, "Connect", ByteString.copyFrom(Bytes.of("0a 02 \"t4\"")), Duration.ofSeconds(5));
        assertEquals(TestServices.CONNECT_RESPONSE, reply);
        assertTrue(client.call(TASK, "Shutdown", ByteString.EMPTY, null).isEmpty());
    }

    @Test
    void plainPathWorksToo() throws Exception {
        try (TtrpcClient plain = TtrpcClient.connect(fixture.address.getPath().toString())) {
            assertEquals("hi", plain.call(TEST, "Echo", ByteString.copyFromUtf8("hi"), null).toStringUtf8());
        }
    }

    @Test
    void statusErrorsBecomeTtrpcExceptions() {
        TtrpcException notFound = assertThrows(TtrpcException.class, () -> client.call(TASK, "Delete", ByteString.EMPTY, null));
        assertEquals(5, notFound.code());
        assertEquals(Code.NOT_FOUND, notFound.kind());
        assertEquals("container not created: not found", notFound.getMessage());

        TtrpcException unimplemented = assertThrows(TtrpcException.class, () -> client.call(TASK, "Nope", ByteString.EMPTY, null));
        assertEquals(12, unimplemented.code());
        assertEquals("method Nope", unimplemented.getMessage());
    }

    @Test
    void streamIdsAreOddAndIncreaseByTwo() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(Request.parseFrom(client.call(TEST, "Context", ByteString.EMPTY, null)).getPayload().toStringUtf8());
        }
        assertEquals(List.of("1", "3", "5", "7"), ids);
    }

    @Test
    void sendsTimeoutAndLowerCasedMetadata() throws Exception {
        Request seen = Request.parseFrom(client.call(TEST, "Context", ByteString.EMPTY, Duration.ofSeconds(3),
                Map.of("Containerd-Namespace-Ttrpc", "k8s.io")));
        assertTrue(seen.getTimeoutNano() > 0 && seen.getTimeoutNano() <= 3_000_000_000L, "timeout_nano " + seen.getTimeoutNano());
        assertEquals(1, seen.getMetadataCount());
        assertEquals("containerd-namespace-ttrpc", seen.getMetadata(0).getKey());
        assertEquals("k8s.io", seen.getMetadata(0).getValue());
        assertEquals(0, Request.parseFrom(client.call(TEST, "Context", ByteString.EMPTY, null)).getTimeoutNano());
    }

    @Test
    void concurrentCallsAreMultiplexed() throws Exception {
        // One blocked call must not hold up the others.
        CompletableFuture<ByteString> blocked = CompletableFuture.supplyAsync(() -> call("gate-1"), Executors.newVirtualThreadPerTaskExecutor());
        assertTrue(services.entered("gate-1").await(5, TimeUnit.SECONDS));
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String payload = "p" + i;
                results.add(pool.submit(() -> client.call(TEST, "Echo", ByteString.copyFromUtf8(payload), Duration.ofSeconds(5)).toStringUtf8()));
            }
            for (int i = 0; i < results.size(); i++) {
                assertEquals("p" + i, results.get(i).get(10, TimeUnit.SECONDS));
            }
        }
        services.gate("gate-1").countDown();
        assertEquals("gate-1", blocked.get(5, TimeUnit.SECONDS).toStringUtf8());
    }

    private ByteString call(String gate) {
        try {
            return client.call(TEST, "Gate", ByteString.copyFromUtf8(gate), null);
        } catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    void timeoutIsDeadlineExceededAndClientStaysUsable() throws Exception {
        long start = System.nanoTime();
        TtrpcException e = assertThrows(TtrpcException.class,
                () -> client.call(TEST, "Gate", ByteString.copyFromUtf8("late"), Duration.ofMillis(100)));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertEquals(4, e.code());
        assertTrue(elapsedMs >= 90 && elapsedMs < 3000, "elapsed " + elapsedMs);

        services.gate("late").countDown(); // the late reply arrives and is dropped
        assertTrue(services.finished("late").await(5, TimeUnit.SECONDS));
        assertEquals("ok", client.call(TEST, "Echo", ByteString.copyFromUtf8("ok"), Duration.ofSeconds(5)).toStringUtf8());

        assertEquals(4, assertThrows(TtrpcException.class, () -> client.call(TEST, "Echo", ByteString.EMPTY, Duration.ZERO)).code());
    }

    @Test
    void serverGoingAwayGivesTtrpcClosed() throws Exception {
        CompletableFuture<ByteString> pending = CompletableFuture.supplyAsync(() -> call("never"), Executors.newVirtualThreadPerTaskExecutor());
        assertTrue(services.entered("never").await(5, TimeUnit.SECONDS));
        fixture.server.close();

        Throwable failure = assertThrows(Exception.class, () -> pending.get(5, TimeUnit.SECONDS)).getCause().getCause();
        TtrpcClosedException closed = assertInstanceOf(TtrpcClosedException.class, failure);
        assertEquals("ttrpc: closed", closed.getMessage());

        TtrpcClosedException later = assertThrows(TtrpcClosedException.class, () -> client.call(TEST, "Echo", ByteString.EMPTY, null));
        assertEquals("ttrpc: closed", later.getMessage());
        assertTrue(client.isClosed());
        services.gate("never").countDown();
    }

    @Test
    void localCloseGivesTtrpcClosed() {
        client.close();
        assertEquals("ttrpc: closed", assertThrows(TtrpcClosedException.class,
                () -> client.call(TEST, "Echo", ByteString.EMPTY, null)).getMessage());
    }

    @Test
    void oversizedRequestIsRefusedLocally() {
        ByteString big = ByteString.copyFrom(new byte[FrameCodec.MAX_DATA_LENGTH]);
        TtrpcException e = assertThrows(TtrpcException.class, () -> client.call(TEST, "Echo", big, null));
        assertEquals(8, e.code());
        assertTrue(e.getMessage().startsWith("message length "), e.getMessage());
    }

    @Test
    void connectFailsForMissingSocket() {
        assertThrows(IOException.class, () -> TtrpcClient.connect("unix:///tmp/does-not-exist-" + System.nanoTime() + ".sock"));
    }

    @Test
    void parsesAddresses() {
        assertEquals(Path.of("/run/a.sock"), UnixAddress.parse("unix:///run/a.sock").getPath());
        assertEquals(Path.of("/run/a.sock"), UnixAddress.parse("/run/a.sock").getPath());
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.parse(""));
        assertThrows(IllegalArgumentException.class, () -> UnixAddress.parse("tcp://1.2.3.4:5"));
    }
}
