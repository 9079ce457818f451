package io.rune.shim.cgroups;

import com.google.protobuf.Any;
import com.google.protobuf.Message;

/** Packs messages the way Go's typeurl does: the type URL is the bare full name, no "type.googleapis.com/". */
public final class MetricsAny {
    private MetricsAny() {}

    public static Any pack(Message m) {
        return Any.newBuilder()
                .setTypeUrl(m.getDescriptorForType().getFullName())
                .setValue(m.toByteString())
                .build();
    }
}
