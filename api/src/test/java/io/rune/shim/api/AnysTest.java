package io.rune.shim.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.api.events.TaskExit;
import io.rune.shim.api.events.TaskStart;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class AnysTest {
    private static final TaskStart START = TaskStart.newBuilder().setContainerId("c1").setPid(42).build();

    @Test
    void packWritesTheBareFullNameAndTheMessageBytes() {
        Any any = Anys.pack(START);
        assertEquals("containerd.events.TaskStart", any.getTypeUrl());
        // field 1 type_url, field 2 value: exactly what Go's typeurl.MarshalAny writes
        assertEquals("0a1b" + HexFormat.of().formatHex("containerd.events.TaskStart".getBytes())
                + "1206" + "0a026331102a", HexFormat.of().formatHex(any.toByteArray()));
        assertArrayEquals(Anys.pack("containerd.events.TaskStart", START).toByteArray(), any.toByteArray());
    }

    @Test
    void unpackChecksTheTypeName() throws InvalidProtocolBufferException {
        assertEquals(START, Anys.unpack(Anys.pack(START), TaskStart.getDefaultInstance()));
        Any prefixed = Anys.pack("type.googleapis.com/containerd.events.TaskStart", START);
        assertEquals(START, Anys.unpack(prefixed, TaskStart.getDefaultInstance()));
        assertTrue(Anys.is(prefixed, TaskStart.class));
        assertFalse(Anys.is(prefixed, TaskExit.class));
        var e = assertThrows(InvalidProtocolBufferException.class,
                () -> Anys.unpack(Anys.pack(START), TaskExit.getDefaultInstance()));
        assertEquals("Any of type \"containerd.events.TaskStart\" is not a containerd.events.TaskExit", e.getMessage());
    }

    @Test
    void typeNameIsWhatFollowsTheLastSlash() {
        assertEquals("a.B", Anys.typeName("a.B"));
        assertEquals("a.B", Anys.typeName("example.com/x/a.B"));
        assertEquals("", Anys.typeName("trailing/"));
    }
}
