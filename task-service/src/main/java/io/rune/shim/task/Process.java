package io.rune.shim.task;

import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.api.task.StateResponse;
import io.rune.shim.api.types.Status;
import io.rune.shim.stdio.ProcessStdio;
import io.rune.shim.stdio.StdioPaths;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A process of a container: its init or an exec. Every task call picks the process by exec id
 * and asks it; each kind runs its own lifecycle. State changes happen under the container's
 * lock; the fields are volatile so State and Wait read without it.
 */
abstract sealed class Process permits InitProcess, ExecProcess {
    /** How long a finishing process's output may take to reach containerd. */
    static final Duration IO_DRAIN = Duration.ofSeconds(2);

    final Container container;
    final StdioPaths stdio;
    volatile ProcessStdio io;
    volatile int pid;
    volatile ProcessExit exit;
    /** CloseIO came (possibly before an exec's stdio existed): stdin gets EOF once opened. */
    volatile boolean stdinClosed;
    private final CompletableFuture<ProcessExit> exited = new CompletableFuture<>();

    Process(Container container, StdioPaths stdio, ProcessStdio io) {
        this.container = container;
        this.stdio = stdio;
        this.io = io;
    }

    /** The id containerd uses for this process in events: the container id or the exec id. */
    abstract String processId();

    abstract Status status();

    abstract boolean deleted();

    abstract void start() throws IOException, InterruptedException;

    abstract DeleteResponse delete() throws IOException, InterruptedException;

    abstract void kill(int signal, boolean all) throws IOException, InterruptedException;

    abstract void resize(int width, int height) throws IOException;

    /** The reaper saw this process exit (called on a thread of its own, never the reaping thread). */
    abstract void onExit(ProcessExit exit);

    /** CloseIO: the process sees EOF on stdin once the clients' writers are gone too. */
    final void closeStdin() {
        container.lock.lock();
        try {
            stdinClosed = true;
            if (io != null) io.closeStdin();
        } finally {
            container.lock.unlock();
        }
    }

    final ProcessExit awaitExit() throws InterruptedException {
        try {
            return exited.get();
        } catch (ExecutionException e) {
            throw ShimError.unknown(e.getCause().getMessage());
        }
    }

    /** Records the exit, lets waiters go; called once the exit was published. */
    final void exitPublished() {
        exited.complete(exit);
    }

    final StateResponse state() {
        ProcessExit e = exit;
        return StateResponse.newBuilder().setId(processId()).setBundle(container.bundle.toString()).setPid(pid)
                .setStatus(status()).setStdin(stdio.stdin()).setStdout(stdio.stdout())
                .setStderr(stdio.stderr()).setTerminal(stdio.terminal())
                .setExitStatus(e == null ? 0 : e.status()).setExitedAt(Timestamps.of(e == null ? null : e.exitedAt()))
                .build();
    }

    final DeleteResponse deleteResponse() {
        ProcessExit e = exit;
        return DeleteResponse.newBuilder().setPid(pid).setExitStatus(e == null ? 0 : e.status())
                .setExitedAt(Timestamps.of(e == null ? null : e.exitedAt())).build();
    }
}
