package io.rune.shim.task;

import io.rune.shim.api.task.CheckpointTaskRequest;
import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.api.types.Status;
import io.rune.shim.runc.CreateOptions;
import io.rune.shim.runc.RestoreOptions;
import io.rune.shim.runc.RuneException;
import io.rune.shim.stdio.ProcessStdio;
import io.rune.shim.stdio.StdioFds;
import io.rune.shim.stdio.StdioPaths;
import io.rune.shim.runc.RuneIo;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The container's init process: rune create/start/restore, pause, checkpoint, and its exit. */
final class InitProcess extends Process {
    private static final Logger LOG = LoggerFactory.getLogger(InitProcess.class);
    /** How long an init's exit waits for the exits of its execs to be published first. */
    private static final Duration EXEC_EXITS_FIRST = Duration.ofSeconds(2);

    private volatile InitState state;

    InitProcess(Container container, StdioPaths stdio, ProcessStdio io, InitState initial) {
        super(container, stdio, io);
        this.state = initial;
    }

    @Override
    String processId() {
        return container.id;
    }

    @Override
    Status status() {
        return state.status();
    }

    InitState initState() {
        return state;
    }

    @Override
    boolean deleted() {
        return state instanceof InitState.Deleted;
    }

    static RuneIo runeIo(ProcessStdio io) {
        StdioFds f = io.fds();
        return new RuneIo(f.stdin(), f.stdout(), f.stderr());
    }

    /** rune create (called by the factory with the container lock held); the process now exists. */
    void create(CreateOptions options) throws IOException, InterruptedException {
        Instant spawned = Instant.now();
        RuneCalls.run(() -> container.rune.create(container.id, options, runeIo(io)));
        io.started();
        running(Bundle.readPid(container.bundle.initPidFile()), spawned);
    }

    /** The pid is known: find the cgroup, and claim the exit (it may have been reaped already). */
    private void running(int pid, Instant spawned) {
        this.pid = pid;
        container.cgroup = container.ctx.cgroups().find(container.id, pid);
        container.ctx.exits().claim(pid, spawned, this::onExit);
    }

    @Override
    void start() throws IOException, InterruptedException {
        container.lock.lock();
        try {
            InitState next = state.start();
            if (state instanceof InitState.CreatedFromCheckpoint cp) restore(cp);
            else RuneCalls.run(() -> container.rune.start(container.id));
            state = next;
            container.ctx.cgroups().watch(container);
            container.ctx.events().started(container.id, pid);
        } finally {
            container.lock.unlock();
        }
    }

    /** Start of a container created from a checkpoint: rune restore makes it a running init. */
    private void restore(InitState.CreatedFromCheckpoint cp) throws IOException, InterruptedException {
        Bundle b = container.bundle;
        String work = container.options.criuWorkPath().isEmpty() ? b.workDir().toString() : container.options.criuWorkPath();
        Instant spawned = Instant.now();
        RuneCalls.run(() -> container.rune.restore(container.id, new RestoreOptions(b.dir().toString(), cp.image(), work,
                cp.parent(), b.initPidFile().toString(), io.consoleSocket(), container.options.noPivotRoot()), runeIo(io)));
        io.started();
        running(Bundle.readPid(b.initPidFile()), spawned);
    }

    /** Exec is allowed while the init is created or running. */
    void checkExec() {
        state.checkExec();
    }

    void pause() throws IOException, InterruptedException {
        container.lock.lock();
        try {
            InitState.Pausing pausing = (InitState.Pausing) state.pause();
            state = pausing;
            try {
                container.rune.pause(container.id);
            } catch (RuneException e) {
                state = pausing.failed();
                throw ShimError.unknown(e.getMessage());
            }
            state = pausing.paused();
            container.ctx.events().paused(container.id);
        } finally {
            container.lock.unlock();
        }
    }

    void resume() throws IOException, InterruptedException {
        container.lock.lock();
        try {
            InitState next = state.resume();
            RuneCalls.run(() -> container.rune.resume(container.id));
            state = next;
            container.ctx.events().resumed(container.id);
        } finally {
            container.lock.unlock();
        }
    }

    void update(byte[] resources) throws IOException, InterruptedException {
        state.checkUpdate();
        RuneCalls.run(() -> container.rune.update(container.id, resources));
    }

    void checkpoint(CheckpointTaskRequest r) throws IOException, InterruptedException {
        container.lock.lock();
        try {
            state.checkCheckpoint();
            Checkpoints.checkpoint(container, r);
        } finally {
            container.lock.unlock();
        }
    }

    @Override
    void kill(int signal, boolean all) throws IOException, InterruptedException {
        if (deleted()) throw ShimError.notFound("process already finished");
        try {
            container.rune.kill(container.id, signal, all);
        } catch (RuneException e) {
            throw RuneCalls.killError(e);
        }
    }

    @Override
    void resize(int width, int height) throws IOException {
        // an init that stopped resizes silently (as the Go shim)
        if (io != null) io.resize(width, height);
    }

    /** rune delete, stdio closed, rootfs unmounted; the container leaves the daemon. */
    @Override
    DeleteResponse delete() throws IOException, InterruptedException {
        container.lock.lock();
        try {
            InitState next = state.delete();
            io.awaitOutput(IO_DRAIN);
            try {
                container.rune.delete(container.id, false);
            } catch (RuneException e) {
                if (!e.notExist()) throw ShimError.unknown(e.getMessage());
            }
            io.close();
            container.closeExecStdio();
            Rootfs.unmountAll(container.bundle.rootfs());
            state = next;
            container.ctx.containers().remove(container);
            container.ctx.cgroups().forget(container);
            container.ctx.exits().release(pid);
            DeleteResponse resp = deleteResponse();
            container.ctx.events().deleted(container.id, resp);
            return resp;
        } finally {
            container.lock.unlock();
        }
    }

    /**
     * The rest of a container without a pid namespace is killed, a frozen cgroup thawed, the output
     * drained, and /tasks/exit published under the lock: after the start event, and after the exits
     * of the container's execs.
     */
    @Override
    void onExit(ProcessExit exit) {
        if (container.sharedPidNamespace) {
            // without a pid namespace the init's children outlive it: take them down too
            quietly("kill --all", () -> container.rune.kill(container.id, 9, true));
        }
        if (state.frozen()) {
            // a frozen cgroup keeps its dead; thaw it so everything can go (the Go shim does the same)
            quietly("resume", () -> container.rune.resume(container.id));
        }
        if (!io.awaitOutput(IO_DRAIN)) LOG.warn("id={} call=exit output not drained within {}", container.id, IO_DRAIN);
        container.ctx.cgroups().flushOom(container);
        container.lock.lock();
        try {
            container.awaitExecExits(EXEC_EXITS_FIRST);
            this.exit = exit;
            state = state.exited();
            container.ctx.events().exited(container.id, processId(), exit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            container.lock.unlock();
        }
        exitPublished();
        LOG.info("id={} call=exit pid={} status={}", container.id, exit.pid(), exit.status());
    }

    private void quietly(String what, RuneCalls.Call call) {
        try {
            call.run();
        } catch (RuneException | IOException e) {
            LOG.debug("id={} call=exit {}: {}", container.id, what, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
