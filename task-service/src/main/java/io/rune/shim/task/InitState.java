package io.rune.shim.task;

import io.rune.shim.api.types.Status;

/**
 * The states of a container's init process. Each state allows only its own transitions and
 * refuses the others with the Go shim's words (code Unknown as there; deleting a deleted process
 * is NotFound). Transitions return the next state; the caller does the work in between.
 */
sealed interface InitState {
    Status status();

    /** The word in messages: "cannot start a running process". */
    String word();

    default InitState start() {
        throw ShimError.unknown("cannot start a " + word() + " process");
    }

    default InitState pause() {
        throw ShimError.unknown("cannot pause a " + word() + " container");
    }

    default InitState resume() {
        throw ShimError.unknown("cannot resume a " + word() + " container");
    }

    default InitState delete() {
        throw ShimError.unknown("cannot delete a " + word() + " process");
    }

    /** The process was reaped. */
    default InitState exited() {
        return new Stopped();
    }

    default void checkExec() {
        throw ShimError.unknown("cannot exec in a stopped state");
    }

    default void checkUpdate() {}

    default void checkCheckpoint() {
        throw ShimError.unknown("cannot checkpoint a " + word() + " container");
    }

    /** A frozen cgroup keeps its dead: the exit path thaws it. */
    default boolean frozen() {
        return false;
    }

    /** Created, with or without a checkpoint to restore: no process runs yet. */
    sealed interface Unstarted extends InitState {
        default Status status() { return Status.CREATED; }
        default String word() { return "created"; }
        @Override default InitState start() { return new Running(); }
        @Override default InitState pause() { throw ShimError.unknown("cannot pause task in created state"); }
        @Override default InitState resume() { throw ShimError.unknown("cannot resume task in created state"); }
        @Override default InitState delete() { return new Deleted(); }
        @Override default void checkExec() {}
        @Override default void checkCheckpoint() { throw ShimError.unknown("cannot checkpoint a task in created state"); }
    }

    record Created() implements Unstarted {}

    /** Created from a checkpoint image: no process until Start restores it (pid 0, as the Go shim). */
    record CreatedFromCheckpoint(String image, String parent) implements Unstarted {}

    record Running() implements InitState {
        public Status status() { return Status.RUNNING; }
        public String word() { return "running"; }
        @Override public InitState pause() { return new Pausing(); }
        @Override public InitState resume() { throw ShimError.unknown("cannot resume a running process"); }
        @Override public void checkExec() {}
        @Override public void checkCheckpoint() {}
    }

    /** While rune pause runs; a failed pause goes back to Running. */
    record Pausing() implements InitState {
        public Status status() { return Status.PAUSING; }
        public String word() { return "pausing"; }
        @Override public void checkExec() { throw ShimError.unknown("cannot exec in a paused state"); }
        @Override public boolean frozen() { return true; }
        InitState paused() { return new Paused(); }
        InitState failed() { return new Running(); }
    }

    record Paused() implements InitState {
        public Status status() { return Status.PAUSED; }
        public String word() { return "paused"; }
        @Override public InitState resume() { return new Running(); }
        @Override public void checkExec() { throw ShimError.unknown("cannot exec in a paused state"); }
        @Override public void checkCheckpoint() {}
        @Override public boolean frozen() { return true; }
    }

    record Stopped() implements InitState {
        public Status status() { return Status.STOPPED; }
        public String word() { return "stopped"; }
        @Override public InitState delete() { return new Deleted(); }
        @Override public void checkUpdate() { throw ShimError.unknown("cannot update a stopped container"); }
    }

    record Deleted() implements InitState {
        public Status status() { return Status.STOPPED; }
        public String word() { return "deleted"; }
        @Override public InitState pause() { throw ShimError.unknown("cannot pause a deleted process"); }
        @Override public InitState resume() { throw ShimError.unknown("cannot resume a deleted process"); }
        @Override public InitState delete() { throw ShimError.notFound("cannot delete a deleted process"); }
        @Override public InitState exited() { return this; }
        @Override public void checkUpdate() { throw ShimError.unknown("cannot update a deleted process"); }
        @Override public void checkCheckpoint() { throw ShimError.unknown("cannot checkpoint a deleted process"); }
    }
}
