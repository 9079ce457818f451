package io.rune.shim.task;

import io.rune.shim.api.types.Status;

/**
 * Lifecycle of a container process. Wrong-state operations fail with the Go shim's messages
 * (code UNKNOWN, as there; a deleted process is NotFound).
 */
enum ProcessState {
    CREATED, RUNNING, PAUSING, PAUSED, STOPPED, DELETED;

    Status status() {
        return switch (this) {
            case CREATED -> Status.CREATED;
            case RUNNING -> Status.RUNNING;
            case PAUSING -> Status.PAUSING;
            case PAUSED -> Status.PAUSED;
            case STOPPED, DELETED -> Status.STOPPED;
        };
    }

    String word() {
        return switch (this) {
            case CREATED -> "created";
            case RUNNING -> "running";
            case PAUSING -> "pausing";
            case PAUSED -> "paused";
            case STOPPED -> "stopped";
            case DELETED -> "deleted";
        };
    }

    void checkStart() {
        if (this != CREATED) throw ShimError.unknown("cannot start a " + word() + " process");
    }

    void checkDelete() {
        if (this == DELETED) throw ShimError.notFound("cannot delete a deleted process");
        if (this != CREATED && this != STOPPED) throw ShimError.unknown("cannot delete a " + word() + " process");
    }

    void checkPause() {
        switch (this) {
            case RUNNING -> { }
            case CREATED -> throw ShimError.unknown("cannot pause task in created state");
            case DELETED -> throw ShimError.unknown("cannot pause a deleted process");
            default -> throw ShimError.unknown("cannot pause a " + word() + " container");
        }
    }

    void checkResume() {
        switch (this) {
            case PAUSED -> { }
            case CREATED -> throw ShimError.unknown("cannot resume task in created state");
            case RUNNING -> throw ShimError.unknown("cannot resume a running process");
            case DELETED -> throw ShimError.unknown("cannot resume a deleted process");
            default -> throw ShimError.unknown("cannot resume a " + word() + " container");
        }
    }

    void checkUpdate() {
        if (this == STOPPED) throw ShimError.unknown("cannot update a stopped container");
        if (this == DELETED) throw ShimError.unknown("cannot update a deleted process");
    }

    void checkCheckpoint() {
        switch (this) {
            case RUNNING, PAUSED -> { }
            case CREATED -> throw ShimError.unknown("cannot checkpoint a task in created state");
            case DELETED -> throw ShimError.unknown("cannot checkpoint a deleted process");
            default -> throw ShimError.unknown("cannot checkpoint a " + word() + " container");
        }
    }

    void checkResize() {
        if (this == STOPPED) throw ShimError.unknown("cannot resize a stopped container");
        if (this == DELETED) throw ShimError.unknown("cannot resize a deleted process");
    }

    /** Exec is allowed while the container's init is created or running. */
    void checkExec() {
        switch (this) {
            case CREATED, RUNNING -> { }
            case PAUSING, PAUSED -> throw ShimError.unknown("cannot exec in a paused state");
            default -> throw ShimError.unknown("cannot exec in a stopped state");
        }
    }
}
