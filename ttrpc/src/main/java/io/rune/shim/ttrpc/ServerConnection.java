package io.rune.shim.ttrpc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.time.Duration;
import io.rune.shim.api.Code;
import com.google.protobuf.ByteString;
import io.rune.shim.api.ttrpc.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One accepted client: a reader loop that decodes frames and hands them to the dispatcher, and
 * a locked writer that handlers use to answer in completion order.
 *
 * <p>The write lock is a {@link ReentrantLock}, not {@code synchronized}, so a virtual thread
 * waiting for it unmounts instead of pinning its carrier (language level 22).
 */
final class ServerConnection {

    private static final Logger LOG = LoggerFactory.getLogger(ServerConnection.class);

    private final long id;
    private final SocketChannel channel;
    private final RequestDispatcher dispatcher;
    private final Consumer<ServerConnection> onEnd;
    /** A frame begun must be whole within this; a peer that stalls inside one loses the connection. */
    static final Duration PARTIAL_FRAME_TIMEOUT = Duration.ofSeconds(10);
    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().name("ttrpc-frame-timeouts").daemon().unstarted(r));

    private final ReentrantLock writeLock = new ReentrantLock();
    private final ReadBudget budget;
    private volatile boolean closed;
    private volatile boolean timedOut;

    ServerConnection(long id, SocketChannel channel, RequestDispatcher dispatcher, Consumer<ServerConnection> onEnd,
                     ReadBudget budget) {
        this.id = id;
        this.channel = channel;
        this.dispatcher = dispatcher;
        this.onEnd = onEnd;
        this.budget = budget;
    }

    /** Closes the connection if the frame just begun is not whole in time. */
    private final class PartialFrameWatch implements FrameCodec.FrameWatch {
        private ScheduledFuture<?> deadline;

        @Override
        public void begun() {
            deadline = TIMEOUTS.schedule(() -> {
                timedOut = true;
                close();
            }, PARTIAL_FRAME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void ended() {
            if (deadline != null) deadline.cancel(false);
        }
    }

    long id() {
        return id;
    }

    /**
     * Starts the reader. A virtual thread suffices: it only blocks in socket reads, which the
     * JDK parks without pinning, and a shim may hold many connections (one per task).
     */
    void start() {
        Thread.ofVirtual().name("ttrpc-conn-" + id).start(this::readLoop);
    }

    private void readLoop() {
        FrameCodec.FrameWatch watch = new PartialFrameWatch();
        try {
            while (!closed) {
                switch (FrameCodec.read(channel, budget, watch)) {
                    case Frame frame -> dispatcher.dispatch(this, frame);
                    case OversizedFrame big -> {
                        LOG.warn("ttrpc conn={} stream={} oversized frame discarded: {}", id, Integer.toUnsignedString(big.streamId()), big.message());
                        send(big.streamId(), "-", Replies.error(Code.RESOURCE_EXHAUSTED, big.message()));
                    }
                    case EndOfStream end -> {
                        LOG.debug("ttrpc conn={} closed by peer", id);
                        return;
                    }
                }
            }
        } catch (MalformedFrameException e) {
            LOG.warn("ttrpc conn={} closing: {}", id, e.getMessage());
        } catch (ClosedChannelException e) {
            if (timedOut) LOG.warn("ttrpc conn={} closing: a frame was not whole within {}", id, PARTIAL_FRAME_TIMEOUT);
            else LOG.debug("ttrpc conn={} closed locally", id);
        } catch (EOFException e) {
            LOG.debug("ttrpc conn={} peer vanished mid-frame: {}", id, e.getMessage());
        } catch (IOException e) {
            if (!closed) {
                LOG.warn("ttrpc conn={} read failed: {}", id, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("ttrpc conn={} unexpected reader failure", id, e);
        } finally {
            close();
            onEnd.accept(this);
        }
    }

    /**
     * Writes a response. After the connection closed it is dropped silently: the peer is gone,
     * and Go behaves the same (handlers finish, answers vanish).
     */
    void send(int streamId, String fullMethod, Response response) {
        ByteString data = response.toByteString();
        if (data.size() > FrameCodec.MAX_DATA_LENGTH) {
            LOG.warn("ttrpc conn={} stream={} {} response too large ({} bytes)", id, Integer.toUnsignedString(streamId), fullMethod, data.size());
            data = Replies.error(Code.RESOURCE_EXHAUSTED, FrameCodec.tooLargeMessage(data.size())).toByteString();
        }
        Frame frame = Frame.response(streamId, data);
        writeLock.lock();
        try {
            if (closed) {
                LOG.debug("ttrpc conn={} stream={} {} response dropped, connection closed", id, Integer.toUnsignedString(streamId), fullMethod);
                return;
            }
            FrameCodec.write(channel, frame);
            LOG.debug("ttrpc conn={} stream={} {} response sent ({} bytes)", id, Integer.toUnsignedString(streamId), fullMethod, data.size());
        } catch (IOException e) {
            LOG.debug("ttrpc conn={} stream={} {} response not written: {}", id, Integer.toUnsignedString(streamId), fullMethod, e.toString());
            close();
        } finally {
            writeLock.unlock();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the socket; a blocked read or write fails at once, which ends the reader loop. */
    void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("ttrpc conn={} close failed: {}", id, e.toString());
        }
    }
}
