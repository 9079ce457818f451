package io.rune.shim.main;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The daemon's end of the control socket as docs/launcher.md describes it, for one connection:
 * decodes the launcher's request on its own (independently of the daemon's code) and answers what
 * the test gives it.
 */
final class FakeControlDaemon implements AutoCloseable {
    private static final byte[] MAGIC = "RSC1".getBytes(StandardCharsets.US_ASCII);

    /** One decoded request. */
    record Request(List<String> args, String cwd, List<String> env, byte[] stdin) {}

    private final ServerSocketChannel server;
    private final CompletableFuture<Request> request = new CompletableFuture<>();

    /** Listens on the control socket of (address, namespace) in dir, answering with answer(request). */
    FakeControlDaemon(Path dir, String address, String namespace, Function<Request, byte[]> answer) throws IOException {
        server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(dir.resolve(socketName(address, namespace))));
        Thread.ofPlatform().daemon(true).name("fake-control-daemon").start(() -> {
            try (SocketChannel ch = server.accept()) {
                // the launcher shuts its write side down after the request: read to EOF
                Request r = decode(Channels.newInputStream(ch).readAllBytes());
                request.complete(r);
                ch.write(ByteBuffer.wrap(answer.apply(r)));
            } catch (IOException | RuntimeException e) {
                request.completeExceptionally(e);
            }
        });
    }

    /** rune-&lt;FNV-1a 64 of address "\n" namespace, 16 hex digits&gt;.ctl */
    static String socketName(String address, String namespace) {
        long h = 0xcbf29ce484222325L;
        for (byte b : (address + "\n" + namespace).getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return "rune-" + HexFormat.of().toHexDigits(h) + ".ctl";
    }

    /** The request the launcher sent; fails if it sent none (or a malformed one) within the time. */
    Request request() throws Exception {
        return request.get(30, TimeUnit.SECONDS);
    }

    boolean contacted() {
        return request.isDone();
    }

    static Request decode(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes); // big-endian
        try {
            byte[] magic = new byte[4];
            b.get(magic);
            if (!Arrays.equals(magic, MAGIC)) throw new IllegalStateException("bad magic");
            List<String> args = strings(b);
            String cwd = string(b);
            List<String> env = strings(b);
            byte[] stdin = bytes(b);
            if (b.hasRemaining()) throw new IllegalStateException(b.remaining() + " bytes after the request");
            return new Request(args, cwd, env, stdin);
        } catch (BufferUnderflowException e) {
            throw new IllegalStateException("truncated request of " + bytes.length + " bytes");
        }
    }

    private static List<String> strings(ByteBuffer b) {
        int n = b.getInt();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(string(b));
        return out;
    }

    private static String string(ByteBuffer b) {
        return new String(bytes(b), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] d = new byte[b.getInt()];
        b.get(d);
        return d;
    }

    /** disposition 0: the launcher prints these and exits with status. */
    static byte[] handled(int status, byte[] stdout, byte[] stderr) {
        return ByteBuffer.allocate(20 + stdout.length + stderr.length).put(MAGIC).putInt(0).putInt(status)
                .putInt(stdout.length).put(stdout).putInt(stderr.length).put(stderr).array();
    }

    /** disposition 1: not this daemon's, the launcher goes on without it. */
    static byte[] notOurs() {
        return ByteBuffer.allocate(8).put(MAGIC).putInt(1).array();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
