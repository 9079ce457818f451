package io.rune.shim.ttrpc;

import io.rune.shim.api.Code;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.api.rpc.Status;
import io.rune.shim.api.ttrpc.Response;

/** Builds Response messages, including the mapping from handler failures to status codes. */
final class Replies {

    static final String UNMARSHAL_PAYLOAD = "ttrpc: error unmarshalling payload: ";

    private Replies() {
    }

    /** Success. An empty payload is left unset so an Empty reply is a zero-length frame (10.2). */
    static Response ok(ByteString payload) {
        if (payload == null || payload.isEmpty()) {
            return Response.getDefaultInstance();
        }
        return Response.newBuilder().setPayload(payload).build();
    }

    /** Error: status only, no payload (docs/protocol.md §2.2). */
    static Response error(int code, String message) {
        return Response.newBuilder().setStatus(Status.newBuilder().setCode(code).setMessage(message)).build();
    }

    static Response error(Code code, String message) {
        return error(code.value(), message);
    }

    /**
     * protobuf-java's decode error in the words Go's decoder uses for the same input, so clients
     * see the Go shim's messages (a truncated message is "unexpected EOF" there).
     */
    static String decodeError(InvalidProtocolBufferException e) {
        String m = e.getMessage() == null ? "" : e.getMessage();
        if (m.startsWith("While parsing a protocol message, the input ended unexpectedly")) return "unexpected EOF";
        return m;
    }

    /** The status a handler failure turns into (docs/protocol.md §2.3). */
    static Response failure(Throwable failure) {
        return switch (failure) {
            case TtrpcException e -> Response.newBuilder().setStatus(e.toStatus()).build();
            case InvalidProtocolBufferException e -> error(Code.INTERNAL, UNMARSHAL_PAYLOAD + decodeError(e));
            default -> error(Code.UNKNOWN, failure.getMessage() != null ? failure.getMessage() : failure.toString());
        };
    }
}
