package io.rune.shim.stdio;

/**
 * Stdio that cannot be set up as asked. {@link Reason} tells the caller which error code the
 * client should see; I/O failures of the set-up itself stay {@link java.io.IOException}s.
 */
public final class StdioException extends RuntimeException {
    public enum Reason { INVALID_ARGUMENT, UNIMPLEMENTED, UNKNOWN }

    private final Reason reason;

    public StdioException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
