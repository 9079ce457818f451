package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;
import io.rune.shim.api.ttrpc.KeyValue;
import io.rune.shim.api.ttrpc.Request;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Handlers the tests talk to. Connect/Delete/Shutdown reproduce the exchanges of docs/protocol.md §10.2;
 * Gate blocks until the test opens the gate named by the payload.
 */
final class TestServices {

    static final String TASK = "containerd.task.v2.Task";
    static final String TEST = "test.v1.Test";
    static final ByteString CONNECT_RESPONSE = ByteString.copyFrom(Bytes.of("08 97 b8 01 10 ea b8 01"));

    final Map<String, CountDownLatch> gates = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> entered = new ConcurrentHashMap<>();
    final Map<String, CountDownLatch> finished = new ConcurrentHashMap<>();

    CountDownLatch gate(String name) {
        return gates.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    CountDownLatch entered(String name) {
        return entered.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    CountDownLatch finished(String name) {
        return finished.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    ServiceRegistry registry() {
        return ServiceRegistry.builder()
                .add(TASK, "Connect", (ctx, payload) -> {
                    if (!payload.equals(ByteString.copyFrom(Bytes.of("0a 02 \"t4\"")))) {
                        throw TtrpcException.invalidArgument("unexpected payload " + Bytes.hex(payload.toByteArray()));
                    }
                    return CONNECT_RESPONSE;
                })
                .add(TASK, "Delete", (ctx, payload) -> {
                    throw TtrpcException.notFound("container not created: not found");
                })
                .add(TASK, "Shutdown", (ctx, payload) -> ByteString.EMPTY)
                .add(TEST, "Echo", (ctx, payload) -> payload)
                .add(TEST, "Typed", MethodHandler.unary(KeyValue.parser(), (ctx, kv) -> kv))
                .add(TEST, "Boom", (ctx, payload) -> {
                    throw new IllegalStateException("boom");
                })
                .add(TEST, "Context", TestServices::describeContext)
                .add(TEST, "Gate", (ctx, payload) -> {
                    String name = payload.toStringUtf8();
                    entered(name).countDown();
                    try {
                        if (!gate(name).await(10, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("gate " + name + " never opened");
                        }
                        return payload;
                    } finally {
                        finished(name).countDown();
                    }
                })
                .build();
    }

    /** Reports what the handler saw, reusing the Request message as a carrier. */
    private static ByteString describeContext(CallContext ctx, ByteString payload) {
        Request.Builder seen = Request.newBuilder().setService(ctx.service()).setMethod(ctx.method())
                .setPayload(ByteString.copyFromUtf8(Integer.toUnsignedString(ctx.streamId())));
        ctx.deadline().ifPresent(d -> seen.setTimeoutNano(Math.max(1, Duration.between(Instant.now(), d).toNanos())));
        ctx.metadata().forEach((k, values) -> values.forEach(v -> seen.addMetadata(KeyValue.newBuilder().setKey(k).setValue(v))));
        return seen.build().toByteString();
    }
}
