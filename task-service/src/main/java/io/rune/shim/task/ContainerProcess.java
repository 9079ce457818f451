package io.rune.shim.task;

import io.rune.shim.reaper.Exit;
import java.util.concurrent.CompletableFuture;

/**
 * A process of a container: the init or an exec. Its state changes under the container's lock;
 * the fields are volatile so State/Wait can read without it.
 */
abstract sealed class ContainerProcess permits InitProcess, ExecProcess {
    final StdioPaths stdio;
    volatile ProcessStdio io;
    volatile int pid;
    volatile ProcessState state = ProcessState.CREATED;
    volatile Exit exit;
    /** CloseIO came (possibly before the exec's stdio existed): stdin gets EOF once opened. */
    volatile boolean stdinClosed;
    final CompletableFuture<Exit> exited = new CompletableFuture<>();

    ContainerProcess(StdioPaths stdio, ProcessStdio io) {
        this.stdio = stdio;
        this.io = io;
    }

    /** The id containerd uses for this process in events: the container id or the exec id. */
    abstract String processId();
}
