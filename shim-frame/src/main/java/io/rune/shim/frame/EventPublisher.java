package io.rune.shim.frame;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Timestamp;
import io.rune.shim.api.Anys;
import io.rune.shim.api.events.Envelope;
import io.rune.shim.api.events.ForwardRequest;
import io.rune.shim.ttrpc.TtrpcClient;
import io.rune.shim.ttrpc.TtrpcException;
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
 * were published: one queue, one thread. While containerd cannot be reached (a restart) its socket
 * is tried every 25 ms for up to 15 s, so queued events reach it as soon as it is back; a Forward it
 * refuses is retried with growing delays (1..5 s). Then the event is dropped: a dead containerd
 * costs no memory.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EventPublisher.class);
    private static final String SERVICE = "containerd.services.events.ttrpc.v1.Events";
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);
    private static final int MAX_ATTEMPTS = 6;
    /** How often a containerd that cannot be reached is tried again, and for how long in all. */
    private static final Duration RECONNECT_POLL = Duration.ofMillis(25), RETRY_WINDOW = Duration.ofSeconds(15);
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
    public void publish(String topic, MessageLite event) {
        Instant now = Instant.now();
        Envelope e = Envelope.newBuilder()
                .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setNamespace(namespace).setTopic(topic)
                .setEvent(Anys.pack(event)) // type URL: the event's bare full name, as Go's typeurl
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
        long unreachableSince = 0;
        int refusals = 0;
        while (true) {
            try {
                if (client == null) client = TtrpcClient.connect(address);
                client.call(SERVICE, "Forward", com.google.protobuf.ByteString.copyFrom(payload), FORWARD_TIMEOUT,
                        Map.of("containerd-namespace-ttrpc", namespace));
                if (unreachableSince != 0) {
                    LOG.info("call=publish topic={} forwarded after containerd was unreachable for {} ms", e.getTopic(),
                            (System.nanoTime() - unreachableSince) / 1_000_000);
                } else {
                    LOG.debug("call=publish topic={} forwarded", e.getTopic());
                }
                return;
            } catch (TtrpcException refused) {
                // containerd answered with an error: retry a few times, slower each time
                if (++refusals >= MAX_ATTEMPTS) break;
                LOG.warn("call=publish topic={} attempt={} refused: {}", e.getTopic(), refusals, refused.getMessage());
                Thread.sleep(1000L * refusals);
            } catch (IOException | RuntimeException unreachable) {
                // containerd is restarting (or gone): try its socket again every few ms, so that
                // queued events reach it as soon as it is back, for up to RETRY_WINDOW
                disconnect();
                long now = System.nanoTime();
                if (unreachableSince == 0) {
                    unreachableSince = now;
                    LOG.warn("call=publish topic={} containerd unreachable, retrying every {} ms: {}", e.getTopic(),
                            RECONNECT_POLL.toMillis(), unreachable.getMessage());
                } else if (now - unreachableSince > RETRY_WINDOW.toNanos()) {
                    break;
                }
                Thread.sleep(RECONNECT_POLL.toMillis());
            }
        }
        LOG.error("call=publish topic={} evicted: not delivered (containerd {})", e.getTopic(),
                refusals >= MAX_ATTEMPTS ? "refused it " + MAX_ATTEMPTS + " times" : "unreachable for " + RETRY_WINDOW.toSeconds() + " s");
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
