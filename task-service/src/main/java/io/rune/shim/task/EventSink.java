package io.rune.shim.task;

import com.google.protobuf.Message;

/** Where task events go (the publisher to containerd). Must not block the caller. */
@FunctionalInterface
public interface EventSink {
    void publish(String topic, Message event);
}
