package io.rune.shim.carrier;

/**
 * A carrier step failed, or its input was wrong. {@link #reason()} tells the caller which gRPC
 * code to answer Create with; the message is written for the user of {@code ctr}/{@code crictl}
 * (names the value, the step, and the tool's stderr).
 */
public final class CarrierException extends Exception {
    /** How the caller should classify the failure. */
    public enum Reason {
        /** Bad input in the container's spec (RUNE_CARRIER, OCCLUM_* values, entry point, ENCLAVE_RUNTIME_PATH): InvalidArgument. */
        INVALID_ARGUMENT,
        /** The host is not set up for the step (malformed config.toml, client-signed instance missing): FailedPrecondition. */
        FAILED_PRECONDITION,
        /** A tool, the signature server or the file system failed: Unknown, like a failed {@code rune create}. */
        FAILED
    }

    private final Reason reason;

    public CarrierException(Reason reason, String message) {
        this(reason, message, null);
    }

    public CarrierException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static CarrierException invalid(String message) {
        return new CarrierException(Reason.INVALID_ARGUMENT, message);
    }

    static CarrierException precondition(String message) {
        return new CarrierException(Reason.FAILED_PRECONDITION, message);
    }

    static CarrierException failed(String message, Throwable cause) {
        return new CarrierException(Reason.FAILED, message, cause);
    }
}
