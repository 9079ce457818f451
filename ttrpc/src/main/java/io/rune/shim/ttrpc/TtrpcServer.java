package io.rune.shim.ttrpc;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Serves a {@link ServiceRegistry} over ttrpc on a Unix listening socket (docs/protocol.md §2.3, §2.4).
 *
 * <p>Threads: one platform thread accepts; each connection has a virtual reader thread; each
 * request runs on its own virtual thread. The accept loop is a platform thread because it is a
 * single long-lived loop that must keep admitting containerd even if every virtual-thread
 * carrier is pinned by handlers blocked in native (FFM) calls; it is non-daemon so a serving
 * server keeps the process alive until {@link #close()}.
 *
 * <p>The server does not create, bind or unlink the socket file; it takes ownership of the
 * channel passed to {@link #start} and closes it in {@link #close()} (the only way to stop a
 * blocking accept).
 */
public final class TtrpcServer implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(TtrpcServer.class);
    private static final long MAX_ACCEPT_BACKOFF_MS = 1000;

    private final RequestDispatcher dispatcher;
    private final PeerCheck peerCheck;
    private final ConnectionListener listener;
    private final AtomicLong connectionIds = new AtomicLong();
    /**
     * Bytes held in frames still arriving, over all connections: 8 full-size frames. containerd
     * sends small requests; peers that announce big frames and stall cannot take the heap.
     */
    private final ReadBudget budget = new ReadBudget(8L * FrameCodec.MAX_DATA_LENGTH);

    // Guarded by lock: lifecycle state and the open connections.
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Set<ServerConnection> connections = new HashSet<>();
    private ServerSocketChannel listenChannel;
    private Thread acceptThread;
    private boolean closed;
    private boolean acceptEnded;

    /** Server with the same-uid/gid peer check (what containerd's own server does). */
    /** Bytes held now in frames still arriving (tests). */
    long bufferedBytes() {
        return budget.inUse();
    }

    public TtrpcServer(ServiceRegistry registry) {
        this(registry, PeerCheck.sameUser(), ConnectionListener.NONE);
    }

    public TtrpcServer(ServiceRegistry registry, PeerCheck peerCheck, ConnectionListener listener) {
        this.dispatcher = new RequestDispatcher(Objects.requireNonNull(registry, "registry"));
        this.peerCheck = Objects.requireNonNull(peerCheck, "peerCheck");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * Starts accepting on an already bound, listening Unix-domain channel and returns at once.
     *
     * @throws IllegalStateException if started before or already closed
     */
    public void start(ServerSocketChannel channel) throws IOException {
        Objects.requireNonNull(channel, "channel");
        if (!(channel.getLocalAddress() instanceof UnixDomainSocketAddress address)) {
            throw new IllegalArgumentException("ttrpc server needs a bound Unix-domain channel, got " + channel.getLocalAddress());
        }
        channel.configureBlocking(true);
        lock.lock();
        try {
            if (closed || listenChannel != null) {
                throw new IllegalStateException("ttrpc server already " + (closed ? "closed" : "started"));
            }
            listenChannel = channel;
            acceptThread = Thread.ofPlatform().name("ttrpc-accept").daemon(false).unstarted(this::acceptLoop);
            acceptThread.start();
        } finally {
            lock.unlock();
        }
        LOG.info("ttrpc server listening on {}", address.getPath());
    }

    private void acceptLoop() {
        long backoffMs = 0;
        try {
            while (!isClosed()) {
                SocketChannel socket;
                try {
                    socket = listenChannel.accept();
                    backoffMs = 0;
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    if (isClosed()) {
                        return;
                    }
                    // E.g. EMFILE: back off instead of spinning, then keep serving (as Go does).
                    backoffMs = Math.min(MAX_ACCEPT_BACKOFF_MS, backoffMs == 0 ? 5 : backoffMs * 2);
                    LOG.warn("ttrpc accept failed, retrying in {} ms: {}", backoffMs, e.toString());
                    try {
                        Thread.sleep(backoffMs);
                    } catch (InterruptedException ie) {
                        return;
                    }
                    continue;
                }
                admit(socket);
            }
        } finally {
            lock.lock();
            try {
                acceptEnded = true;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            LOG.debug("ttrpc accept loop ended");
        }
    }

    /** Peer check, then register and start the connection (or close it without a word). */
    private void admit(SocketChannel socket) {
        UnixDomainPrincipal peer;
        try {
            peer = socket.getOption(ExtendedSocketOptions.SO_PEERCRED);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ttrpc connection refused: cannot read peer credentials: {}", e.toString());
            closeQuietly(socket);
            return;
        }
        if (!peerCheck.permits(peer)) {
            LOG.warn("ttrpc connection refused: peer {} not permitted", PeerCheck.describe(peer));
            closeQuietly(socket);
            return;
        }
        ServerConnection conn = new ServerConnection(connectionIds.incrementAndGet(), socket, dispatcher, this::ended, budget);
        lock.lock();
        try {
            if (closed) {
                closeQuietly(socket);
                return;
            }
            connections.add(conn);
        } finally {
            lock.unlock();
        }
        LOG.debug("ttrpc conn={} opened, peer {}", conn.id(), PeerCheck.describe(peer));
        notifyListener(() -> listener.connectionOpened(conn.id(), peer));
        conn.start();
    }

    private void ended(ServerConnection conn) {
        int remaining;
        lock.lock();
        try {
            if (!connections.remove(conn)) {
                return;
            }
            remaining = connections.size();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        LOG.debug("ttrpc conn={} closed, {} open", conn.id(), remaining);
        notifyListener(() -> listener.connectionClosed(conn.id(), remaining));
    }

    private static void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("ttrpc connection listener failed", e);
        }
    }

    /** Number of connections currently served. */
    public int openConnections() {
        lock.lock();
        try {
            return connections.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting, closes the listening channel and every connection, and returns without
     * waiting. Handlers still running finish; their responses are dropped. Idempotent.
     */
    @Override
    public void close() {
        List<ServerConnection> toClose;
        ServerSocketChannel listening;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            listening = listenChannel;
            toClose = new ArrayList<>(connections);
            if (listening == null) {
                acceptEnded = true; // never started
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (listening != null) {
            closeQuietly(listening);
        }
        toClose.forEach(ServerConnection::close);
        LOG.info("ttrpc server closed ({} connections dropped)", toClose.size());
    }

    /**
     * Waits until, after {@link #close()}, the accept loop and all connection readers have ended.
     * Handlers still running are not waited for.
     *
     * @return true if terminated, false on timeout
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        long left = timeout.toNanos();
        lock.lock();
        try {
            while (!(closed && acceptEnded && connections.isEmpty())) {
                if (left <= 0) {
                    return false;
                }
                left = changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("ttrpc close failed: {}", e.toString());
        }
    }
}
