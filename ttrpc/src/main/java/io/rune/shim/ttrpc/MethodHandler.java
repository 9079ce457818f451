package io.rune.shim.ttrpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;

/**
 * Serves one method: serialized request in, serialized response out.
 *
 * <p>Runs on its own virtual thread, so it may block (e.g. Task/Wait). What it throws becomes
 * the reply status: {@link TtrpcException} → its code and message;
 * {@link com.google.protobuf.InvalidProtocolBufferException} → 13 INTERNAL
 * {@code ttrpc: error unmarshalling payload: ...}; anything else → 2 UNKNOWN with its message.
 * Returning an empty (or null) ByteString sends a success Response without payload.
 */
@FunctionalInterface
public interface MethodHandler {

    ByteString handle(CallContext ctx, ByteString payload) throws Exception;

    /**
     * Adapts a typed handler: parses the payload with {@code parser} (a decode failure is the
     * 13 INTERNAL case above) and serializes the returned message (null → empty).
     */
    static <Q> MethodHandler unary(Parser<Q> parser, Typed<Q> handler) {
        return (ctx, payload) -> {
            MessageLite response = handler.handle(ctx, parser.parseFrom(payload));
            return response == null ? ByteString.EMPTY : response.toByteString();
        };
    }

    /** A handler working on decoded messages. */
    @FunctionalInterface
    interface Typed<Q> {
        MessageLite handle(CallContext ctx, Q request) throws Exception;
    }
}
