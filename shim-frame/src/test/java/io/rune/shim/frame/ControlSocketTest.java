package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.api.task.DeleteResponse;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket's path, codec, server and the namespace daemon's answers (docs/launcher.md). */
class ControlSocketTest {
    @TempDir Path dir;

    @Test
    void pathIsFnv1aOfAddressAndNamespace() {
        // values from an independent FNV-1a 64 (python: h ^= b; h = h * 0x100000001b3 mod 2^64)
        assertEquals(0xcbf29ce484222325L, ControlSocket.fnv1a64(""));
        assertEquals(0xaf63dc4c8601ec8cL, ControlSocket.fnv1a64("a"));
        assertEquals(0xd38147c7380c27b1L, ControlSocket.fnv1a64("/run/containerd/containerd.sock\nk8s.io"));
        assertTrue(ControlSocket.path("/run/containerd/containerd.sock", "k8s.io").toString()
                .endsWith("/rune-d38147c7380c27b1.ctl"));
    }

    @Test
    void requestRoundTripsAndLimitsHold() throws Exception {
        var req = new ControlCodec.Request(List.of("-namespace", "ns", "start"), "/b", Map.of("A", "1", "B", "x=y"),
                "opts".getBytes(StandardCharsets.UTF_8));
        var back = ControlCodec.readRequest(new ByteArrayInputStream(ControlCodec.encode(req)));
        assertEquals(req.args(), back.args());
        assertEquals("/b", back.cwd());
        assertEquals(Map.of("A", "1", "B", "x=y"), back.env());
        assertArrayEquals(req.stdin(), back.stdin());

        byte[] ok = ControlCodec.encode(req);
        assertEquals("truncated request", assertThrows(ControlCodec.BadRequest.class,
                () -> ControlCodec.readRequest(new ByteArrayInputStream(java.util.Arrays.copyOf(ok, ok.length - 2)))).getMessage());
        assertTrue(assertThrows(ControlCodec.BadRequest.class,
                () -> ControlCodec.readRequest(new ByteArrayInputStream("NOPE".getBytes()))).getMessage().contains("bad magic"));
        // a declared length over the limit is refused before anything is allocated
        ByteBuffer huge = ByteBuffer.allocate(12).put(ControlCodec.MAGIC).putInt(1).putInt(Integer.MAX_VALUE);
        assertTrue(assertThrows(ControlCodec.BadRequest.class,
                () -> ControlCodec.readRequest(new ByteArrayInputStream(huge.array()))).getMessage().contains("string too long"));
        ByteBuffer many = ByteBuffer.allocate(8).put(ControlCodec.MAGIC).putInt(100_000);
        assertTrue(assertThrows(ControlCodec.BadRequest.class,
                () -> ControlCodec.readRequest(new ByteArrayInputStream(many.array()))).getMessage().contains("too many arguments"));
    }

    @Test
    void responseEncodingIsWhatTheLauncherReads() throws Exception {
        var in = new DataInputStream(new ByteArrayInputStream(ControlCodec.encode(
                ControlCodec.Response.of(3, "out".getBytes(), "err"))));
        assertArrayEquals(ControlCodec.MAGIC, in.readNBytes(4));
        assertEquals(0, in.readInt());
        assertEquals(3, in.readInt());
        assertEquals("out", new String(in.readNBytes(in.readInt())));
        assertEquals("err", new String(in.readNBytes(in.readInt())));
        var notMine = new DataInputStream(new ByteArrayInputStream(ControlCodec.encode(ControlCodec.Response.NOT_HANDLED)));
        notMine.readNBytes(4);
        assertEquals(1, notMine.readInt());
        assertEquals(0, notMine.available());
    }

    @Test
    void serverAnswersBadRequestsAndKeepsServing() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        Path sock = dir.resolve("c.ctl");
        try (ControlServer server = ControlServer.start(sock, r -> {
            handled.incrementAndGet();
            return ControlCodec.Response.of(0, String.join(" ", r.args()).getBytes(), "");
        }, peer -> true, "io.containerd.rune.v2")) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(sock)));
            // garbage: an error answer, not a dead server
            var bad = exchange(sock, "GARBAGE!".getBytes());
            assertEquals(2, bad.status());
            assertTrue(new String(bad.stderr()).contains("control socket: not a launcher request"), new String(bad.stderr()));
            // a peer that sends half a request and stalls does not block the next one
            try (SocketChannel stalled = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                stalled.write(ByteBuffer.wrap(java.util.Arrays.copyOf(ControlCodec.encode(request("start")), 10)));
                var good = exchange(sock, ControlCodec.encode(request("start")));
                assertEquals(0, good.status());
                assertEquals("-namespace ns -address /c.sock -id c1 start", new String(good.stdout()));
            }
            assertEquals(1, handled.get());
        }
        assertFalse(Files.exists(sock), "close removes the socket");
    }

    @Test
    void refusedPeerGetsNothing() throws Exception {
        Path sock = dir.resolve("r.ctl");
        try (ControlServer server = ControlServer.start(sock, r -> { throw new AssertionError("not for this peer"); },
                peer -> false, "x")) {
            try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
                int n;
                try {
                    ch.write(ByteBuffer.wrap(ControlCodec.encode(request("start"))));
                    n = ch.read(ByteBuffer.allocate(16));
                } catch (IOException closed) {
                    // closed before our request was written (broken pipe) or read (reset): no answer either
                    n = -1;
                }
                assertEquals(-1, n, "connection closed without an answer");
            }
        }
    }

    @Test
    void namespaceDaemonAnswersStartAndDeleteOfItsNamespaceOnly() throws Exception {
        Flags own = Flags.parse(List.of("-namespace", "ns", "-address", "/c.sock", "-id", "first"));
        FakeShim manager = new FakeShim();
        IdleExit idle = new IdleExit(Duration.ofMinutes(5), () -> true, () -> fail("must not leave"));
        NamespaceControl control = new NamespaceControl(own, "unix:///run/containerd/s/abc", manager, idle);
        Path bundle = Files.createDirectory(dir.resolve("b1"));

        var start = control.handle(new ControlCodec.Request(List.of("-namespace", "ns", "-address", "/c.sock", "-id", "c1",
                "start"), bundle.toString(), Map.of(), "namespace".getBytes()));
        assertTrue(start.handled());
        assertEquals(0, start.status());
        assertEquals("unix:///run/containerd/s/abc", new String(start.stdout()));
        assertEquals("unix:///run/containerd/s/abc", Files.readString(bundle.resolve("address")));

        // a container that asks for group scope, another namespace, another action: the launcher's JVM
        assertFalse(control.handle(new ControlCodec.Request(List.of("-namespace", "ns", "-address", "/c.sock", "-id", "c2",
                "start"), bundle.toString(), Map.of(), new byte[0])).handled());
        assertFalse(control.handle(new ControlCodec.Request(List.of("-namespace", "other", "-address", "/c.sock", "-id", "c2",
                "start"), bundle.toString(), Map.of(), "namespace".getBytes())).handled());
        assertFalse(control.handle(new ControlCodec.Request(List.of("-namespace", "ns", "-address", "/c.sock", "train"),
                "/", Map.of(), new byte[0])).handled());

        var delete = control.handle(new ControlCodec.Request(List.of("-namespace", "ns", "-address", "/c.sock", "-id", "c1",
                "-bundle", bundle.toString(), "delete"), "/", Map.of(), new byte[0]));
        assertEquals(0, delete.status());
        assertEquals(137, DeleteResponse.parseFrom(delete.stdout()).getExitStatus());
        assertEquals("cleaned c1 in b1. ", new String(delete.stderr()));

        var bad = control.handle(new ControlCodec.Request(List.of("-bogus", "start"), "/", Map.of(), new byte[0]));
        assertEquals(1, bad.status());
        assertEquals("io.fake.v1: flag provided but not defined: -bogus", new String(bad.stderr()));
    }

    @Test
    void idleExitWaitsTheLingerAndAStartKeepsItAlive() throws Exception {
        var left = new java.util.concurrent.CountDownLatch(1);
        var idleNow = new java.util.concurrent.atomic.AtomicBoolean(true);
        IdleExit exit = new IdleExit(Duration.ofMillis(300), idleNow::get, left::countDown);
        exit.nothingLeft();
        Thread.sleep(150);
        assertTrue(exit.admit(), "a start during the linger time keeps the daemon");
        idleNow.set(false); // its container exists now
        Thread.sleep(400);
        assertEquals(1, left.getCount(), "not idle: stays");
        idleNow.set(true);
        exit.nothingLeft();
        assertTrue(left.await(5, java.util.concurrent.TimeUnit.SECONDS), "leaves after the linger time");
        assertTrue(exit.leaving());
        assertFalse(exit.admit(), "a leaving daemon takes no start");

        var now = new java.util.concurrent.CountDownLatch(1);
        new IdleExit(Duration.ZERO, () -> true, now::countDown).nothingLeft();
        assertEquals(0, now.getCount(), "linger 0: leaves at once");
    }

    /** With linger 0 a start is admitted while the daemon still looks idle: it must stay for that start's Create. */
    @Test
    void anAdmittedStartKeepsTheDaemonUntilItsCreateCanArrive() throws Exception {
        var left = new java.util.concurrent.CountDownLatch(1);
        IdleExit exit = new IdleExit(Duration.ZERO, () -> true, left::countDown);
        assertTrue(exit.admit());
        exit.nothingLeft(); // e.g. the Shutdown of the namespace's previous container, just after
        assertFalse(left.await(IdleExit.PENDING_START.toMillis() / 2, java.util.concurrent.TimeUnit.MILLISECONDS),
                "left while the admitted container's Create may still be on its way");
        assertTrue(left.await(10, java.util.concurrent.TimeUnit.SECONDS), "leaves once that time has passed idle");
    }

    private static ControlCodec.Request request(String action) {
        return new ControlCodec.Request(List.of("-namespace", "ns", "-address", "/c.sock", "-id", "c1", action), "/",
                Map.of(), new byte[0]);
    }

    private static ControlCodec.Response exchange(Path sock, byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap(request));
            ch.shutdownOutput();
            var in = new DataInputStream(Channels.newInputStream(ch));
            assertArrayEquals(ControlCodec.MAGIC, in.readNBytes(4));
            int disposition = in.readInt();
            if (disposition != 0) return ControlCodec.Response.NOT_HANDLED;
            int status = in.readInt();
            byte[] out = in.readNBytes(in.readInt());
            byte[] err = in.readNBytes(in.readInt());
            return new ControlCodec.Response(true, status, out, err);
        }
    }
}
