package io.rune.shim.task;

import io.rune.shim.api.types.Status;

/** The states of an exec process, with the Go shim's words for what each refuses. */
sealed interface ExecState {
    Status status();

    String word();

    default ExecState start() {
        throw ShimError.unknown("cannot start a " + word() + " process");
    }

    default ExecState delete() {
        throw ShimError.unknown("cannot delete a " + word() + " process");
    }

    default ExecState exited() {
        return new Stopped();
    }

    default void checkResize() {}

    record Created() implements ExecState {
        public Status status() { return Status.CREATED; }
        public String word() { return "created"; }
        @Override public ExecState start() { return new Running(); }
        @Override public ExecState delete() { return new Deleted(); }
    }

    record Running() implements ExecState {
        public Status status() { return Status.RUNNING; }
        public String word() { return "running"; }
    }

    record Stopped() implements ExecState {
        public Status status() { return Status.STOPPED; }
        public String word() { return "stopped"; }
        @Override public ExecState delete() { return new Deleted(); }
        @Override public void checkResize() { throw ShimError.unknown("cannot resize a stopped container"); }
    }

    record Deleted() implements ExecState {
        public Status status() { return Status.STOPPED; }
        public String word() { return "deleted"; }
        @Override public ExecState delete() { throw ShimError.notFound("cannot delete a deleted process"); }
        @Override public ExecState exited() { return this; }
        @Override public void checkResize() { throw ShimError.unknown("cannot resize a deleted process"); }
    }
}
