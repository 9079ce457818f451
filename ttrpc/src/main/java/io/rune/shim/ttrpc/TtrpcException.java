package io.rune.shim.ttrpc;

import io.rune.shim.api.Code;
import io.rune.shim.api.rpc.Status;

/**
 * A call failed with a gRPC status. Handlers throw it to choose the code containerd sees;
 * the client throws it when the server answered with a non-OK status.
 *
 * <p>Unchecked on purpose: task logic raises these from deep inside state machines and
 * lambdas, and the server turns any escaping one into a reply.
 * {@link #getMessage()} is exactly the status message (containerd prints it as is).
 */
public class TtrpcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int code;

    public TtrpcException(int code, String message) {
        this(code, message, null);
    }

    public TtrpcException(Code code, String message) {
        this(code.value(), message, null);
    }

    public TtrpcException(Code code, String message, Throwable cause) {
        this(code.value(), message, cause);
    }

    public TtrpcException(int code, String message, Throwable cause) {
        super(message == null ? "" : message, cause);
        this.code = code;
    }

    /** The raw gRPC code number (may be outside the known range if a peer sent one). */
    public int code() {
        return code;
    }

    /** The code as an enum; unknown numbers map to UNKNOWN. */
    public Code kind() {
        return Code.of(code);
    }

    /** The status to put on the wire. */
    public Status toStatus() {
        return Status.newBuilder().setCode(code).setMessage(getMessage()).build();
    }

    public static TtrpcException fromStatus(Status status) {
        return new TtrpcException(status.getCode(), status.getMessage());
    }

    @Override
    public String toString() {
        return "TtrpcException{code=" + code + " " + kind() + ", message=" + getMessage() + "}";
    }

    public static TtrpcException cancelled(String message) {
        return new TtrpcException(Code.CANCELLED, message);
    }

    public static TtrpcException unknown(String message) {
        return new TtrpcException(Code.UNKNOWN, message);
    }

    public static TtrpcException invalidArgument(String message) {
        return new TtrpcException(Code.INVALID_ARGUMENT, message);
    }

    public static TtrpcException deadlineExceeded(String message) {
        return new TtrpcException(Code.DEADLINE_EXCEEDED, message);
    }

    public static TtrpcException notFound(String message) {
        return new TtrpcException(Code.NOT_FOUND, message);
    }

    public static TtrpcException alreadyExists(String message) {
        return new TtrpcException(Code.ALREADY_EXISTS, message);
    }

    public static TtrpcException permissionDenied(String message) {
        return new TtrpcException(Code.PERMISSION_DENIED, message);
    }

    public static TtrpcException resourceExhausted(String message) {
        return new TtrpcException(Code.RESOURCE_EXHAUSTED, message);
    }

    public static TtrpcException failedPrecondition(String message) {
        return new TtrpcException(Code.FAILED_PRECONDITION, message);
    }

    public static TtrpcException aborted(String message) {
        return new TtrpcException(Code.ABORTED, message);
    }

    public static TtrpcException outOfRange(String message) {
        return new TtrpcException(Code.OUT_OF_RANGE, message);
    }

    public static TtrpcException unimplemented(String message) {
        return new TtrpcException(Code.UNIMPLEMENTED, message);
    }

    public static TtrpcException internal(String message) {
        return new TtrpcException(Code.INTERNAL, message);
    }

    public static TtrpcException unavailable(String message) {
        return new TtrpcException(Code.UNAVAILABLE, message);
    }
}
