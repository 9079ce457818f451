package io.rune.shim.ttrpc;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.rune.shim.api.ttrpc.Request;
import io.rune.shim.api.ttrpc.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Mutation fuzz of the server: valid calls (frame, request envelope, payload) with bytes flipped,
 * cut, grown, lengths and types rewritten, payloads replaced. The server must never die, must not
 * keep a connection's fd once the peer is gone, and a separate well-behaved connection must be
 * answered throughout. The seed is printed; {@code -Dfuzz.seed=N -Dfuzz.cases=M} replays a run.
 */
@Timeout(300)
class ServerFuzzTest {
    private static final String TASK = TestServices.TASK, TEST = TestServices.TEST;
    private final TestServices services = new TestServices();
    private ServerFixture fixture;

    @BeforeEach
    void start() throws Exception {
        fixture = new ServerFixture(services.registry());
    }

    @AfterEach
    void stop() throws Exception {
        fixture.close();
    }

    private static byte[] call(int stream, String service, String method, byte[] payload) {
        byte[] req = Request.newBuilder().setService(service).setMethod(method).setPayload(ByteString.copyFrom(payload))
                .setTimeoutNano(1_000_000_000L).build().toByteArray();
        return FrameCodec.encode(Frame.request(stream, ByteString.copyFrom(req))).array();
    }

    /** Valid calls to start from (Gate is left out: it waits for a test to open it). */
    private static final List<byte[]> SEEDS = List.of(
            call(1, TEST, "Echo", "hello".getBytes()),
            call(3, TEST, "Typed", new byte[] {0x0a, 0x01, 'k', 0x12, 0x01, 'v'}),
            call(5, TEST, "Boom", new byte[0]),
            call(7, TASK, "Shutdown", new byte[0]),
            call(9, TASK, "Delete", new byte[] {0x0a, 0x02, 't', '4'}),
            call(11, TASK, "Connect", new byte[] {0x0a, 0x02, 't', '4'}),
            call(13, "nope.v1.Nope", "X", new byte[0]));

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] b = seed.clone();
        switch (r.nextInt(8)) {
            case 0 -> { for (int i = 0, n = 1 + r.nextInt(4); i < n; i++) b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8)); }
            case 1 -> b = java.util.Arrays.copyOf(b, r.nextInt(b.length)); // cut short
            case 2 -> { // grown with junk
                byte[] junk = new byte[1 + r.nextInt(64)];
                r.nextBytes(junk);
                byte[] g = java.util.Arrays.copyOf(b, b.length + junk.length);
                System.arraycopy(junk, 0, g, b.length, junk.length);
                b = g;
            }
            case 3 -> ByteBuffer.wrap(b).putInt(0, r.nextInt(4) == 0 ? r.nextInt() : r.nextInt(b.length * 2 + 1)); // length
            case 4 -> { b[8] = (byte) r.nextInt(256); b[9] = (byte) r.nextInt(256); } // type, flags
            case 5 -> ByteBuffer.wrap(b).putInt(4, r.nextInt()); // stream id (even ones are refused)
            case 6 -> { // a random body under a consistent header
                byte[] body = new byte[r.nextInt(200)];
                r.nextBytes(body);
                b = FrameCodec.encode(Frame.request(1, ByteString.copyFrom(body))).array();
            }
            default -> { // two frames back to back, the second mutated
                byte[] second = mutate(SEEDS.get(r.nextInt(SEEDS.size())), r);
                byte[] g = java.util.Arrays.copyOf(b, b.length + second.length);
                System.arraycopy(second, 0, g, b.length, second.length);
                b = g;
            }
        }
        return b;
    }

    /** Sends, half-closes, reads until the server closes; fails if it neither answers nor closes in 2 s. */
    private void exchange(byte[] bytes) throws IOException {
        try (SocketChannel ch = SocketChannel.open(fixture.address); Selector sel = Selector.open()) {
            try {
                ByteBuffer out = ByteBuffer.wrap(bytes);
                while (out.hasRemaining()) ch.write(out);
                ch.shutdownOutput();
            } catch (IOException closedAlready) {
                return; // the server dropped us mid-write: fine
            }
            ch.configureBlocking(false);
            ch.register(sel, SelectionKey.OP_READ);
            ByteBuffer buf = ByteBuffer.allocate(4096);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (true) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) fail("the server neither answered nor closed within 2 s: " + Bytes.hex(bytes));
                sel.select(left);
                sel.selectedKeys().clear();
                int n;
                try {
                    n = ch.read(buf.clear());
                } catch (IOException reset) {
                    return; // closed on us
                }
                if (n < 0) return;
            }
        }
    }

    /** What each open fd of this JVM is (socket:[inode], anon_inode:[eventpoll], a path, ...). */
    private static java.util.Map<String, String> fdTargets() throws IOException {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    out.put(p.getFileName().toString(), Files.readSymbolicLink(p).toString());
                } catch (IOException gone) {
                    // the fd of the listing itself
                }
            }
        }
        return out;
    }

    @Test
    void mutatedCallsNeverKillTheServerNorLeakConnections() throws Exception {
        long seed = Long.getLong("fuzz.seed", System.nanoTime());
        int cases = Integer.getInteger("fuzz.cases", 3000);
        System.err.println("[fuzz] ServerFuzzTest seed=" + seed + " cases=" + cases + " (replay: -Dfuzz.seed=" + seed + ")");
        Random r = new Random(seed);
        // warm-up: the JDK opens its socket pollers (epoll fds) on first use; they are not connections
        for (int i = 0; i < 20; i++) exchange(SEEDS.get(i % SEEDS.size()));
        var before = fdTargets();
        try (RawConnection steady = fixture.raw(); var pool = Executors.newFixedThreadPool(4)) {
            for (int done = 0; done < cases; done += 50) {
                List<Future<?>> batch = new java.util.ArrayList<>();
                for (int i = 0; i < 50 && done + i < cases; i++) {
                    byte[] bytes = mutate(SEEDS.get(r.nextInt(SEEDS.size())), r);
                    batch.add(pool.submit(() -> {
                        exchange(bytes);
                        return null;
                    }));
                }
                for (Future<?> f : batch) f.get(30, TimeUnit.SECONDS);
                steady.request(101, TASK, "Shutdown", ByteString.EMPTY);
                Response ok = steady.readResponse(101);
                assertFalse(ok.hasStatus(), "seed " + seed + ": the steady connection got an error after " + done + " cases");
            }
        }
        // the server lets go of every fuzz connection: no socket fd is left over (the JDK's own
        // poller fds may come and go; they are not connections)
        long socketsBefore = before.values().stream().filter(t -> t.startsWith("socket:")).count();
        long socketsAfter = -1;
        java.util.Map<String, String> after = java.util.Map.of();
        for (int i = 0; i < 50; i++) {
            after = fdTargets();
            socketsAfter = after.values().stream().filter(t -> t.startsWith("socket:")).count();
            if (socketsAfter <= socketsBefore) break;
            Thread.sleep(100);
        }
        assertTrue(socketsAfter <= socketsBefore, "seed " + seed + ": socket fds " + socketsBefore + " -> " + socketsAfter
                + " (" + after + ")");
    }
}
