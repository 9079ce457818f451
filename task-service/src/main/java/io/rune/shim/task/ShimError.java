package io.rune.shim.task;

/**
 * A task-call failure with the gRPC code containerd turns back into its errdefs
 * (NotFound, AlreadyExists, ...). Messages follow the Go shim's wording.
 */
public final class ShimError extends RuntimeException {
    public static final int UNKNOWN = 2, INVALID_ARGUMENT = 3, NOT_FOUND = 5, ALREADY_EXISTS = 6,
            FAILED_PRECONDITION = 9, UNIMPLEMENTED = 12, INTERNAL = 13;
    private final int code;

    public ShimError(int code, String message) {
        super(message);
        this.code = code;
    }

    public ShimError(int code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public int code() { return code; }

    public static ShimError notFound(String msg) { return new ShimError(NOT_FOUND, msg + ": not found"); }
    public static ShimError unknown(String msg) { return new ShimError(UNKNOWN, msg); }
    public static ShimError invalidArgument(String msg) { return new ShimError(INVALID_ARGUMENT, msg); }
    public static ShimError unimplemented(String msg) { return new ShimError(UNIMPLEMENTED, msg); }

    public static ShimError containerNotCreated() { return notFound("container not created"); }
    public static ShimError processDoesNotExist(String execId) { return notFound("process does not exist " + execId); }
}
