package io.rune.shim.task;

import io.rune.shim.api.Code;
import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.api.types.Status;
import io.rune.shim.runc.ExecOptions;
import io.rune.shim.stdio.ProcessStdio;
import io.rune.shim.stdio.StdioPaths;
import io.rune.shim.sys.Errno;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An additional process run in the container with rune exec; spec is its OCI Process JSON. */
final class ExecProcess extends Process {
    private static final Logger LOG = LoggerFactory.getLogger(ExecProcess.class);
    final String execId;
    private final byte[] spec;
    private volatile ExecState state = new ExecState.Created();

    ExecProcess(Container container, String execId, StdioPaths stdio, byte[] spec) {
        super(container, stdio, null);
        this.execId = execId;
        this.spec = spec;
    }

    @Override
    String processId() {
        return execId;
    }

    /** An exec of a paused container is paused too. */
    @Override
    Status status() {
        ExecState s = state;
        if (s instanceof ExecState.Running) {
            InitState init = container.init.initState();
            if (init.frozen()) return init.status();
        }
        return s.status();
    }

    @Override
    boolean deleted() {
        return state instanceof ExecState.Deleted;
    }

    /** rune exec --detach with the process spec in a temp file. */
    @Override
    void start() throws IOException, InterruptedException {
        Container c = container;
        c.lock.lock();
        try {
            ExecState next = state.start();
            c.init.checkExec();
            ProcessStdio io = c.openStdio(c.id + "-" + execId, stdio);
            Path pidFile = c.bundle.execPidFile(execId);
            Path specFile = null;
            Instant spawned = Instant.now();
            try {
                specFile = ProcessSpecFile.write(tempDir(), c.id, execId, spec);
                Path process = specFile;
                RuneCalls.run(() -> c.rune.exec(c.id, new ExecOptions(process.toString(), pidFile.toString(),
                        io.consoleSocket()), InitProcess.runeIo(io)));
                io.started();
                this.io = io;
                if (stdinClosed) io.closeStdin();
                pid = Bundle.readPid(pidFile);
            } catch (IOException | RuntimeException | InterruptedException ex) {
                io.close();
                throw ex;
            } finally {
                if (specFile != null) Files.deleteIfExists(specFile);
            }
            state = next;
            c.execStarted();
            c.ctx.exits().claim(pid, spawned, this::onExit);
            c.ctx.events().execStarted(c.id, execId, pid);
        } finally {
            c.lock.unlock();
        }
    }

    private static Path tempDir() {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        return Path.of(xdg == null || xdg.isEmpty() ? "/tmp" : xdg);
    }

    @Override
    DeleteResponse delete() throws IOException {
        container.lock.lock();
        try {
            ExecState next = state.delete();
            ProcessStdio io = this.io;
            if (io != null) {
                io.awaitOutput(IO_DRAIN);
                io.close();
            }
            Files.deleteIfExists(container.bundle.execPidFile(execId));
            state = next;
            container.removeExec(execId);
            if (pid != 0) container.ctx.exits().release(pid);
            return deleteResponse();
        } finally {
            container.lock.unlock();
        }
    }

    /** An exec is signalled directly, not through rune ({@code all} does not apply), as the Go shim does. */
    @Override
    void kill(int signal, boolean all) {
        if (deleted()) throw ShimError.notFound("process already finished");
        if (pid == 0) throw new ShimError(Code.FAILED_PRECONDITION, "process not created: failed precondition");
        if (exit != null) throw ShimError.notFound("process already finished");
        try {
            Posix.kill(pid, signal);
        } catch (SysException e) {
            if (e.errno() == Errno.ESRCH) throw ShimError.notFound("process already finished");
            throw ShimError.unknown(e.getMessage());
        }
    }

    @Override
    void resize(int width, int height) throws IOException {
        state.checkResize();
        ProcessStdio io = this.io;
        if (io != null) io.resize(width, height);
    }

    @Override
    void onExit(ProcessExit exit) {
        if (!io.awaitOutput(IO_DRAIN)) LOG.warn("id={} exec={} call=exit output not drained", container.id, execId);
        container.lock.lock();
        try {
            this.exit = exit;
            state = state.exited();
            container.ctx.events().exited(container.id, execId, exit);
            container.execExited();
        } finally {
            container.lock.unlock();
        }
        exitPublished();
        LOG.info("id={} exec={} call=exit pid={} status={}", container.id, execId, exit.pid(), exit.status());
    }
}
