package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import io.rune.shim.api.Anys;
import io.rune.shim.api.events.ForwardRequest;
import io.rune.shim.api.events.TaskExit;
import io.rune.shim.ttrpc.MethodHandler;
import io.rune.shim.ttrpc.ServiceRegistry;
import io.rune.shim.ttrpc.TtrpcServer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events published while containerd is away (restarting) reach it, in order, once it is back. */
class EventPublisherTest {

    @Test
    void eventsQueuedWhileContainerdIsAwayArriveInOrderWhenItIsBack(@TempDir Path dir) throws Exception {
        Path socket = dir.resolve("containerd.sock.ttrpc");
        List<String> topics = new CopyOnWriteArrayList<>();
        List<Any> events = new CopyOnWriteArrayList<>();
        CountDownLatch both = new CountDownLatch(2);
        EventPublisher publisher = new EventPublisher(socket.toString(), "ns");
        publisher.publish("/tasks/exit", TaskExit.newBuilder().setContainerId("c1").setExitStatus(3).build());
        publisher.publish("/tasks/delete", TaskExit.newBuilder().setContainerId("c1").build());
        // containerd comes back after the publisher has failed for a while (the old back-off's
        // first retry was at 1 s and the next at 3 s)
        Thread.sleep(1200);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        long back = System.nanoTime();
        TtrpcServer containerd = new TtrpcServer(ServiceRegistry.builder().add("containerd.services.events.ttrpc.v1.Events",
                "Forward", MethodHandler.unary(ForwardRequest.parser(), (ctx, r) -> {
                    topics.add(r.getEnvelope().getTopic());
                    events.add(r.getEnvelope().getEvent());
                    both.countDown();
                    return Empty.getDefaultInstance();
                })).build());
        containerd.start(listener);
        try {
            assertTrue(both.await(10, TimeUnit.SECONDS), "both events delivered");
            long afterBack = (System.nanoTime() - back) / 1_000_000;
            assertEquals(List.of("/tasks/exit", "/tasks/delete"), topics);
            // the type URL is the bare full name, as Go's typeurl writes it
            assertEquals("containerd.events.TaskExit", events.get(0).getTypeUrl());
            assertEquals(3, Anys.unpack(events.get(0), TaskExit.getDefaultInstance()).getExitStatus());
            // a functional bound, far above the 25 ms poll: no back-off of seconds once containerd is back
            assertTrue(afterBack < 1000, "delivered " + afterBack + " ms after containerd was back");
        } finally {
            publisher.close(Duration.ofSeconds(2));
            containerd.close();
        }
    }
}
