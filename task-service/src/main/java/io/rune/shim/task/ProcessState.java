package io.rune.shim.task;

import io.rune.shim.api.types.Status;

/** Lifecycle of a container process. Wrong-state operations fail with the Go shim's messages. */
enum ProcessState {
    CREATED, RUNNING, STOPPED, DELETED;

    Status status() {
        return switch (this) {
            case CREATED -> Status.CREATED;
            case RUNNING -> Status.RUNNING;
            case STOPPED, DELETED -> Status.STOPPED;
        };
    }

    private String word() {
        return switch (this) {
            case CREATED -> "created";
            case RUNNING -> "running";
            case STOPPED -> "stopped";
            case DELETED -> "deleted";
        };
    }

    void checkStart() {
        if (this != CREATED) throw ShimError.unknown("cannot start a " + word() + " process");
    }

    void checkDelete() {
        if (this == DELETED) throw ShimError.notFound("cannot delete a deleted process");
        if (this == RUNNING) throw ShimError.unknown("cannot delete a running process");
    }
}
