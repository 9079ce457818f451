package io.rune.shim.api;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;

/**
 * {@code Any} the way containerd's Go typeurl writes it: the type URL is the bare full name
 * ("containerd.events.TaskCreate"), without the "type.googleapis.com/" of protobuf-java's
 * {@code Any.pack}. The lite runtime has no pack/unpack of its own.
 */
public final class Anys {
    private Anys() {}

    /** The message under its registered full name ({@link TypeNames}). */
    public static Any pack(MessageLite m) {
        return pack(TypeNames.of(m), m);
    }

    public static Any pack(String typeUrl, MessageLite m) {
        return Any.newBuilder().setTypeUrl(typeUrl).setValue(m.toByteString()).build();
    }

    /** Message name of a type URL: typeurl accepts any "prefix/Name", so only what follows the last '/' counts. */
    public static String typeName(String typeUrl) {
        int slash = typeUrl.lastIndexOf('/');
        return slash < 0 ? typeUrl : typeUrl.substring(slash + 1);
    }

    /** Whether the Any holds a message of the given type (by name; the bytes are not looked at). */
    public static boolean is(Any any, Class<? extends MessageLite> type) {
        return typeName(any.getTypeUrl()).equals(TypeNames.of(type));
    }

    /**
     * The message an Any holds, after checking its type URL names the expected type.
     *
     * @param defaultInstance the expected type's default instance (its parser is used)
     * @throws InvalidProtocolBufferException the type URL names another type, or the bytes do not parse
     */
    @SuppressWarnings("unchecked")
    public static <T extends MessageLite> T unpack(Any any, T defaultInstance) throws InvalidProtocolBufferException {
        String expected = TypeNames.of(defaultInstance);
        if (!typeName(any.getTypeUrl()).equals(expected)) {
            throw new InvalidProtocolBufferException("Any of type \"" + any.getTypeUrl() + "\" is not a " + expected);
        }
        return (T) defaultInstance.getParserForType().parseFrom(any.getValue());
    }
}
