package io.rune.shim.ttrpc;

import io.rune.shim.api.Code;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.api.ttrpc.KeyValue;
import io.rune.shim.api.ttrpc.Request;
import io.rune.shim.api.ttrpc.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A ttrpc client over one Unix connection (the shim uses it to publish events to containerd).
 *
 * <p>Thread-safe: calls from many threads are multiplexed. Stream ids are odd, start at 1 and
 * grow by 2; each id is taken and its frame written under one lock, so ids reach the server in
 * increasing order (ttrpc >= 1.2 servers reject re-used or decreasing ids). A single reader
 * thread completes calls by stream id; it is a platform daemon thread so replies keep flowing
 * even when virtual-thread carriers are pinned by native calls elsewhere in the process.
 */
public final class TtrpcClient implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(TtrpcClient.class);
    private static final long MAX_STREAM_ID = 0xFFFF_FFFFL;

    private final SocketChannel channel;
    private final String address;
    private final ConcurrentHashMap<Integer, CompletableFuture<Response>> pending = new ConcurrentHashMap<>();
    // Guards nextStreamId, writes, and registration against close (see call()).
    private final ReentrantLock writeLock = new ReentrantLock();
    private long nextStreamId = 1;
    private volatile boolean closed;

    private TtrpcClient(SocketChannel channel, String address) {
        this.channel = channel;
        this.address = address;
    }

    /**
     * Connects to {@code /path} or {@code unix:///path}. Unix connects do not wait (they succeed
     * or fail at once), so there is no dial timeout; callers retry if they need one.
     */
    public static TtrpcClient connect(String address) throws IOException {
        UnixDomainSocketAddress target = UnixAddress.parse(address);
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(target);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        TtrpcClient client = new TtrpcClient(channel, address);
        Thread.ofPlatform().name("ttrpc-client-reader").daemon(true).start(client::readLoop);
        LOG.debug("ttrpc client connected to {}", address);
        return client;
    }

    /** A call without metadata. */
    public ByteString call(String service, String method, ByteString payload, Duration timeout) throws IOException {
        return call(service, method, payload, timeout, Map.of());
    }

    /**
     * Makes one unary call.
     *
     * @param timeout  null for none; otherwise sent as {@code timeout_nano} and enforced locally.
     *                 A zero or negative timeout fails at once without sending.
     * @param metadata may be null; keys are lower-cased like Go does
     * @return the response payload (empty for google.protobuf.Empty)
     * @throws TtrpcException        the server answered with a status; DEADLINE_EXCEEDED (4) on timeout;
     *                               RESOURCE_EXHAUSTED if the request or response is over 4 MiB
     * @throws TtrpcClosedException  the connection is closed or broke ({@code ttrpc: closed})
     * @throws InterruptedIOException the calling thread was interrupted while waiting
     */
    public ByteString call(String service, String method, ByteString payload, Duration timeout,
                           Map<String, String> metadata) throws IOException {
        long deadline = 0;
        Request.Builder request = Request.newBuilder().setService(service).setMethod(method);
        if (payload != null) {
            request.setPayload(payload);
        }
        if (timeout != null) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw deadlineExceeded();
            }
            request.setTimeoutNano(saturatedNanos(timeout));
            deadline = System.nanoTime() + request.getTimeoutNano();
        }
        if (metadata != null) {
            metadata.forEach((k, v) -> request.addMetadata(KeyValue.newBuilder().setKey(k.toLowerCase(Locale.ROOT)).setValue(v)));
        }
        ByteString data = request.build().toByteString();
        if (data.size() > FrameCodec.MAX_DATA_LENGTH) {
            throw TtrpcException.resourceExhausted(FrameCodec.tooLargeMessage(data.size()));
        }

        CompletableFuture<Response> reply = new CompletableFuture<>();
        int streamId = send(data, reply, service, method);
        Response response = await(reply, streamId, timeout != null, deadline, service, method);
        if (response.hasStatus() && response.getStatus().getCode() != Code.OK.value()) {
            LOG.debug("ttrpc client stream={} {}/{} failed: code={} {}", Integer.toUnsignedString(streamId), service, method,
                    response.getStatus().getCode(), response.getStatus().getMessage());
            throw TtrpcException.fromStatus(response.getStatus());
        }
        return response.getPayload();
    }

    /** Takes a stream id, registers the reply, and writes the frame, all under the write lock. */
    private int send(ByteString data, CompletableFuture<Response> reply, String service, String method) throws IOException {
        writeLock.lock();
        try {
            if (closed) {
                throw new TtrpcClosedException();
            }
            if (nextStreamId > MAX_STREAM_ID) {
                throw new IOException("ttrpc: stream ids exhausted on this connection");
            }
            int streamId = (int) nextStreamId;
            nextStreamId += 2;
            pending.put(streamId, reply);
            try {
                FrameCodec.write(channel, Frame.request(streamId, data));
            } catch (IOException e) {
                pending.remove(streamId);
                LOG.debug("ttrpc client stream={} {}/{} write failed: {}", Integer.toUnsignedString(streamId), service, method, e.toString());
                closeAfterWriteFailure();
                throw new TtrpcClosedException(e);
            }
            LOG.debug("ttrpc client stream={} {}/{} sent ({} bytes)", Integer.toUnsignedString(streamId), service, method, data.size());
            return streamId;
        } finally {
            writeLock.unlock();
        }
    }

    private Response await(CompletableFuture<Response> reply, int streamId, boolean timed, long deadline,
                           String service, String method) throws IOException {
        try {
            return timed ? reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS) : reply.get();
        } catch (TimeoutException e) {
            pending.remove(streamId);
            LOG.debug("ttrpc client stream={} {}/{} timed out", Integer.toUnsignedString(streamId), service, method);
            throw deadlineExceeded();
        } catch (InterruptedException e) {
            pending.remove(streamId);
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("ttrpc: call " + service + "/" + method + " interrupted");
        } catch (ExecutionException e) {
            // Re-thrown as new exceptions so the caller's stack shows up; the original is the cause.
            Throwable cause = e.getCause();
            if (cause instanceof TtrpcClosedException closedFailure) {
                throw new TtrpcClosedException(closedFailure.getCause() != null ? closedFailure.getCause() : closedFailure);
            }
            if (cause instanceof TtrpcException status) {
                throw new TtrpcException(status.code(), status.getMessage(), status);
            }
            throw new IOException("ttrpc: call " + service + "/" + method + " failed", cause);
        }
    }

    private void readLoop() {
        IOException failure = null;
        try {
            while (!closed) {
                switch (FrameCodec.read(channel)) {
                    case Frame frame -> deliver(frame);
                    case OversizedFrame big -> {
                        LOG.warn("ttrpc client stream={} oversized response discarded: {}", Integer.toUnsignedString(big.streamId()), big.message());
                        complete(big.streamId(), null, TtrpcException.resourceExhausted(big.message()));
                    }
                    case EndOfStream end -> {
                        LOG.debug("ttrpc client connection to {} closed by server", address);
                        return;
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
            if (!closed) {
                LOG.warn("ttrpc client connection to {} failed: {}", address, e.toString());
            }
        } catch (RuntimeException e) {
            LOG.error("ttrpc client reader failed", e);
        } finally {
            shutdown(failure);
        }
    }

    private void deliver(Frame frame) {
        if (frame.type() != Frame.TYPE_RESPONSE) {
            LOG.debug("ttrpc client ignoring frame type {} on stream {}", frame.type(), Integer.toUnsignedString(frame.streamId()));
            return;
        }
        try {
            complete(frame.streamId(), Response.parseFrom(frame.data()), null);
        } catch (InvalidProtocolBufferException e) {
            complete(frame.streamId(), null, TtrpcException.internal("ttrpc: cannot decode response: " + e.getMessage()));
        }
    }

    private void complete(int streamId, Response response, Throwable failure) {
        CompletableFuture<Response> reply = pending.remove(streamId);
        if (reply == null) {
            // Late answer to a call that already timed out or was interrupted.
            LOG.debug("ttrpc client dropping response for unknown stream {}", Integer.toUnsignedString(streamId));
            return;
        }
        if (failure != null) {
            reply.completeExceptionally(failure);
        } else {
            reply.complete(response);
        }
    }

    /** Closes after a write failure without blocking the writer that holds the lock. */
    private void closeAfterWriteFailure() {
        closed = true;
        closeChannel();
        // The reader sees the closed channel and runs shutdown(), which fails everything pending.
    }

    /**
     * Marks closed, closes the socket, then fails every pending call with {@code ttrpc: closed}.
     * Draining under the write lock means a call either registered before the drain (and gets
     * failed) or sees {@code closed} when it tries to register.
     */
    private void shutdown(IOException cause) {
        closed = true;
        closeChannel();
        List<CompletableFuture<Response>> toFail;
        writeLock.lock();
        try {
            toFail = new ArrayList<>(pending.values());
            pending.clear();
        } finally {
            writeLock.unlock();
        }
        TtrpcClosedException closedFailure = cause == null ? new TtrpcClosedException() : new TtrpcClosedException(cause);
        toFail.forEach(f -> f.completeExceptionally(closedFailure));
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("ttrpc client close failed: {}", e.toString());
        }
    }

    public boolean isClosed() {
        return closed;
    }

    /** Closes the connection; pending and later calls fail with {@code ttrpc: closed}. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            LOG.debug("ttrpc client closing connection to {}", address);
        }
        shutdown(null);
    }

    private static TtrpcException deadlineExceeded() {
        return TtrpcException.deadlineExceeded("context deadline exceeded");
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
