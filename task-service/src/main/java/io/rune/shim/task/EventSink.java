package io.rune.shim.task;

import com.google.protobuf.MessageLite;

/** Where task events go (the publisher to containerd). Must not block the caller. The event's type must be one {@link io.rune.shim.api.TypeNames} knows. */
@FunctionalInterface
public interface EventSink {
    void publish(String topic, MessageLite event);
}
