package io.rune.shim.frame;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.rune.shim.api.events.Envelope;
import io.rune.shim.api.events.ForwardRequest;
import io.rune.shim.ttrpc.TtrpcClient;
import io.rune.shim.ttrpc.TtrpcClosedException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forwards task events to containerd ({@code Events/Forward} at TTRPC_ADDRESS) in the order they
 * were published: one queue, one thread. A failed Forward is retried with growing delays
 * (1..5 s) and then dropped, so a containerd restart costs no events and a dead one no memory.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final String SERVICE = "containerd.services.events.ttrpc.v1.Events";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ATTEMPTS = 6;
    private static final Envelope STOP = Envelope.getDefaultInstance();

    private final String address;
    private final String namespace;
    private final BlockingQueue<Envelope> queue = new LinkedBlockingQueue<>(4096);
    private final CountDownLatch drained = new CountDownLatch(1);
    private volatile boolean closing;
    private TtrpcClient client;

    /** @param address containerd's ttrpc address (TTRPC_ADDRESS) */
    public EventPublisher(String address, String namespace) {
        this.address = address;
        this.namespace = namespace;
        Thread.ofPlatform().name("events").daemon(true).start(this::run);
    }

    /** Queues an event for containerd; never blocks (a full queue drops it, logged). */
    public void publish(String topic, Message event) {
        Instant now = Instant.now();
        Envelope e = Envelope.newBuilder()
                .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setNamespace(namespace).setTopic(topic)
                .setEvent(Any.newBuilder().setTypeUrl(event.getDescriptorForType().getFullName())
                        .setValue(event.toByteString()))
                .build();
        if (closing || !queue.offer(e)) LOG.error("call=publish topic={} dropped: publisher closed or queue full", topic);
    }

    private void run() {
        try {
            while (true) {
                Envelope e = queue.take();
                if (e == STOP) return;
                forward(e);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            disconnect();
            drained.countDown();
        }
    }

    private void forward(Envelope e) throws InterruptedException {
        byte[] payload = ForwardRequest.newBuilder().setEnvelope(e).build().toByteArray();
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                if (client == null) client = TtrpcClient.connect(address);
                client.call(SERVICE, "Forward", com.google.protobuf.ByteString.copyFrom(payload), FORWARD_TIMEOUT,
                        Map.of("containerd-namespace-ttrpc", namespace));
                LOG.debug("call=publish topic={} forwarded", e.getTopic());
                return;
            } catch (TtrpcClosedException closed) {
                // containerd restarted or dropped us: reconnect and retry right away once
                disconnect();
                if (attempt == 1) continue;
                LOG.warn("call=publish topic={} attempt={} failed: {}", e.getTopic(), attempt, closed.getMessage());
            } catch (IOException | RuntimeException ex) {
                disconnect();
                LOG.warn("call=publish topic={} attempt={} failed: {}", e.getTopic(), attempt, ex.getMessage());
            }
            if (attempt < MAX_ATTEMPTS) Thread.sleep(1000L * attempt);
        }
        LOG.error("call=publish topic={} evicted after {} attempts", e.getTopic(), MAX_ATTEMPTS);
    }

    private void disconnect() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    /** Stops taking events and waits up to the timeout for the queued ones to be forwarded. */
    public boolean close(Duration timeout) throws InterruptedException {
        closing = true;
        queue.offer(STOP);
        return drained.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        close(Duration.ofSeconds(5));
    }
}
