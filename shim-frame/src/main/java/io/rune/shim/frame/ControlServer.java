package io.rune.shim.frame;

import io.rune.shim.ttrpc.PeerCheck;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control socket a namespace-scope daemon serves to the launcher (docs/launcher.md). One
 * virtual thread per connection; a peer that is not this daemon's user is refused; a request must
 * arrive whole within {@link #REQUEST_TIMEOUT}; a bad request gets an error answer and the server
 * keeps serving.
 */
final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlServer.class);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    /** Answers one forwarded action. */
    @FunctionalInterface
    interface Handler {
        ControlCodec.Response handle(ControlCodec.Request request);
    }

    private final Path path;
    private final ServerSocketChannel listener;
    private final Handler handler;
    private final PeerCheck peers;
    private final String errorPrefix;
    private final ScheduledExecutorService timeouts = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("control-timeouts").daemon().unstarted(r));
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel listener, Handler handler, PeerCheck peers, String errorPrefix) {
        this.path = path;
        this.listener = listener;
        this.handler = handler;
        this.peers = peers;
        this.errorPrefix = errorPrefix;
    }

    /** Binds the socket (replacing a stale one), root-only, and starts accepting. */
    static ControlServer start(Path path, Handler handler, PeerCheck peers, String errorPrefix) throws IOException {
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(path), 256);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return serve(s, path, handler, peers, errorPrefix);
    }

    /** Serves a socket bound elsewhere (a spare daemon's, inherited as fd 0) at {@code path}. */
    static ControlServer serve(ServerSocketChannel listener, Path path, Handler handler, PeerCheck peers, String errorPrefix) {
        ControlServer server = new ControlServer(path, listener, handler, peers, errorPrefix);
        Thread.ofVirtual().name("control-accept").start(server::acceptLoop);
        return server;
    }

    Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel ch;
            try {
                ch = listener.accept();
            } catch (IOException e) {
                if (!closed) LOG.warn("call=control accept: {}", e.toString());
                return;
            }
            Thread.ofVirtual().name("control-conn").start(() -> serve(ch));
        }
    }

    private void serve(SocketChannel ch) {
        ScheduledFuture<?> deadline;
        try {
            deadline = timeouts.schedule(() -> closeQuietly(ch), REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // accepted just as the server closed (a spare handing over): the launcher, seeing the
            // connection close unanswered, takes its own way at once instead of waiting
            closeQuietly(ch);
            return;
        }
        try (ch) {
            var peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peers.permits(peer)) {
                LOG.warn("call=control refused peer {}", PeerCheck.describe(peer));
                return;
            }
            ControlCodec.Request req;
            java.io.PushbackInputStream in = new java.io.PushbackInputStream(Channels.newInputStream(ch));
            int first = in.read();
            if (first < 0) return; // connected and closed: a liveness probe (is a daemon listening?)
            in.unread(first);
            try {
                req = ControlCodec.readRequest(in);
            } catch (ControlCodec.BadRequest e) {
                LOG.warn("call=control bad request: {}", e.getMessage());
                write(ch, ControlCodec.Response.of(2, new byte[0], errorPrefix + ": control socket: " + e.getMessage()));
                return;
            }
            deadline.cancel(false);
            write(ch, handler.handle(req));
        } catch (IOException e) {
            if (!closed) LOG.debug("call=control connection: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("call=control handler failed: {}", e.toString());
        } finally {
            deadline.cancel(false);
        }
    }

    private static void write(SocketChannel ch, ControlCodec.Response r) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(ControlCodec.encode(r));
        while (b.hasRemaining()) ch.write(b);
    }

    private static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Removes the socket first (no launcher finds a leaving daemon), then stops accepting. */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Stops accepting; with {@code unlink} the socket file goes first. Without it the file stays for
     * whoever else holds the listening socket (a spare handing the control socket on).
     */
    void close(boolean unlink) {
        if (closed) return;
        closed = true;
        if (unlink) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("call=control remove {}: {}", path, e.getMessage());
            }
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        timeouts.shutdownNow();
    }
}
