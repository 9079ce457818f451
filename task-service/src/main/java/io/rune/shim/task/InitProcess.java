package io.rune.shim.task;

import io.rune.shim.reaper.Exit;
import java.util.concurrent.CompletableFuture;

/** The container's init process: pid, stdio, lifecycle state and exit. Guarded by its container's lock. */
final class InitProcess {
    final StdioPaths stdio;
    final ProcessStdio io;
    volatile int pid;
    volatile ProcessState state = ProcessState.CREATED;
    volatile Exit exit;
    final CompletableFuture<Exit> exited = new CompletableFuture<>();

    InitProcess(StdioPaths stdio, ProcessStdio io) {
        this.stdio = stdio;
        this.io = io;
    }
}
