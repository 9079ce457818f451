package io.rune.shim.task;

import io.rune.shim.api.Code;

/**
 * A task-call failure with the gRPC code containerd turns back into its errdefs
 * (NotFound, AlreadyExists, ...). Messages follow the Go shim's wording.
 */
public final class ShimError extends RuntimeException {
    private final Code code;

    public ShimError(Code code, String message) {
        super(message);
        this.code = code;
    }

    public ShimError(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() { return code; }

    public static ShimError notFound(String msg) { return new ShimError(Code.NOT_FOUND, msg + ": not found"); }
    public static ShimError unknown(String msg) { return new ShimError(Code.UNKNOWN, msg); }
    public static ShimError invalidArgument(String msg) { return new ShimError(Code.INVALID_ARGUMENT, msg); }
    public static ShimError unimplemented(String msg) { return new ShimError(Code.UNIMPLEMENTED, msg); }

    public static ShimError containerNotCreated() { return notFound("container not created"); }
    public static ShimError processDoesNotExist(String execId) { return notFound("process does not exist " + execId); }
}
