package io.rune.shim.task;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** protobuf timestamps as the Go shim sends them. */
public final class Timestamps {
    /** Go's zero time (0001-01-01T00:00:00Z): what "not exited" looks like on the wire. */
    public static final Timestamp ZERO = Timestamp.newBuilder().setSeconds(-62135596800L).build();

    private Timestamps() {}

    public static Timestamp of(Instant t) {
        return t == null ? ZERO : Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
