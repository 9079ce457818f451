package io.rune.shim.reaper;

/**
 * Receives exits of processes the reaper did not spawn itself (the container init and exec
 * processes re-parented to us). Called on the reaping thread: hand off, do not block.
 */
@FunctionalInterface
public interface ExitListener {
    void onExit(Exit exit);
}
