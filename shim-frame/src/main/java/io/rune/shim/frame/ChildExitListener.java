package io.rune.shim.frame;

/**
 * Receives exits of processes the runner did not start itself (a container's init and exec
 * processes, re-parented to the subreaper). Called on the reaping thread: hand off, never block.
 */
@FunctionalInterface
public interface ChildExitListener {
    void onExit(ChildExit exit);
}
