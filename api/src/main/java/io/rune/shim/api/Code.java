package io.rune.shim.api;

/**
 * gRPC status codes. ttrpc reuses them unchanged in {@code google.rpc.Status.code}, and
 * containerd's errdefs translate them back (e.g. 5 → "not found"), so the numbers are the contract.
 */
public enum Code {
    OK(0),
    CANCELLED(1),
    UNKNOWN(2),
    INVALID_ARGUMENT(3),
    DEADLINE_EXCEEDED(4),
    NOT_FOUND(5),
    ALREADY_EXISTS(6),
    PERMISSION_DENIED(7),
    RESOURCE_EXHAUSTED(8),
    FAILED_PRECONDITION(9),
    ABORTED(10),
    OUT_OF_RANGE(11),
    UNIMPLEMENTED(12),
    INTERNAL(13),
    UNAVAILABLE(14),
    DATA_LOSS(15),
    UNAUTHENTICATED(16);

    private static final Code[] BY_NUMBER = values();

    private final int value;

    Code(int value) {
        this.value = value;
    }

    /** The number sent on the wire. */
    public int value() {
        return value;
    }

    /** Maps a wire number to a code; numbers outside 0..16 are treated as UNKNOWN, as gRPC does. */
    public static Code of(int value) {
        return value >= 0 && value < BY_NUMBER.length ? BY_NUMBER[value] : UNKNOWN;
    }
}
