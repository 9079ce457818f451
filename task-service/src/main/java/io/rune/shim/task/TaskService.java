package io.rune.shim.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import io.rune.shim.api.events.TaskCreate;
import io.rune.shim.api.events.TaskDelete;
import io.rune.shim.api.events.TaskExecAdded;
import io.rune.shim.api.events.TaskExecStarted;
import io.rune.shim.api.events.TaskIO;
import io.rune.shim.api.events.TaskPaused;
import io.rune.shim.api.events.TaskResumed;
import io.rune.shim.api.events.TaskStart;
import io.rune.shim.api.runc.ProcessDetails;
import io.rune.shim.api.task.*;
import io.rune.shim.api.types.ProcessInfo;
import io.rune.shim.api.types.Status;
import io.rune.shim.reaper.Exit;
import io.rune.shim.carrier.CarrierKind;
import io.rune.shim.reaper.Reaper;
import io.rune.shim.runc.CreateOptions;
import io.rune.shim.runc.ExecOptions;
import io.rune.shim.runc.Monitor;
import io.rune.shim.runc.Rune;
import io.rune.shim.runc.RuneConfig;
import io.rune.shim.runc.RuneException;
import io.rune.shim.sys.Errno;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containerd Task service over rune: containers of this daemon, their init and exec
 * processes, the events and the error codes containerd expects (containerd-shim-runc-v2
 * semantics).
 */
public final class TaskService {
    private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
    private static final Duration IO_DRAIN = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String namespace;
    private final int shimPid;
    private final boolean debug;
    private final Monitor monitor;
    private final Reaper reaper;
    private final EventSink events;
    private final Runnable onLastContainerGone;
    private final ExitRouter exits = new ExitRouter();
    private final Map<String, Container> containers = new ConcurrentHashMap<>();
    private final Checkpoints checkpoints = new Checkpoints();
    private final CgroupWatch cgroups;
    private final ExitHandler exitHandler;
    private final EnclaveStep enclave;

    /**
     * @param reaper              starts helper processes of stdio (binary:// loggers)
     * @param onLastContainerGone called by Shutdown when no container is left (the daemon exits)
     */
    public TaskService(String namespace, int shimPid, boolean debug, Monitor monitor, Reaper reaper, EventSink events,
                       Runnable onLastContainerGone) {
        this.namespace = namespace;
        this.shimPid = shimPid;
        this.debug = debug;
        this.monitor = monitor;
        this.reaper = reaper;
        this.events = events;
        this.onLastContainerGone = onLastContainerGone;
        this.cgroups = new CgroupWatch(events);
        this.exitHandler = new ExitHandler(events);
        this.enclave = new EnclaveStep(reaper);
    }

    /** Feed for the reaper: exits of processes the service does not spawn itself. */
    public io.rune.shim.reaper.ExitListener exitListener() {
        return exits;
    }

    public int containerCount() {
        return containers.size();
    }

    private Container container(String id) {
        Container c = containers.get(id);
        if (c == null) throw ShimError.containerNotCreated();
        return c;
    }

    private IoContext ioContext(Container c) {
        return new IoContext(namespace, c.id, reaper, c.options.ioUid(), c.options.ioGid());
    }

    // ------------------------------------------------------------------ Create

    public CreateTaskResponse create(CreateTaskRequest r) throws IOException, InterruptedException {
        String id = r.getId();
        if (id.isEmpty()) throw ShimError.invalidArgument("container id must not be empty");
        Path bundle = Path.of(r.getBundle());
        RuntimeOptions opts = OptionsDecoder.decode(r.hasOptions() ? r.getOptions() : null);
        OciSpec spec = OciSpec.read(bundle);
        CarrierKind carrier = EnclaveStep.kind(bundle); // refused before anything is mounted
        if (containers.containsKey(id)) throw ShimError.unknown("OCI runtime create failed: container with given ID already exists");
        BundleFiles.write(bundle, opts);

        StdioPaths stdio = new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal());
        Rune rune = new Rune(new RuneConfig(opts.binaryOrDefault(), opts.rootOrDefault() + "/" + namespace,
                bundle.resolve("log.json").toString(), debug, opts.criuPath(), opts.systemdCgroup()), monitor);
        Path rootfs = bundle.resolve("rootfs");
        long t0 = System.nanoTime();
        Rootfs.mountAll(r.getRootfsList(), rootfs);
        ProcessStdio io = null;
        try {
            enclave.prepare(id, bundle, carrier, opts);
            io = ProcessStdio.open(id, stdio, new IoContext(namespace, id, reaper, opts.ioUid(), opts.ioGid()));
            InitProcess init = new InitProcess(id, stdio, io);
            Container c = new Container(id, bundle, r.getRootfsList(), rune, opts, !spec.privatePidNamespace(), init);
            c.lock.lock();
            try {
                Path pidFile = bundle.resolve("init.pid");
                if (!r.getCheckpoint().isEmpty()) {
                    // restored at Start (rune restore); until then there is no process: pid 0, as the Go shim
                    init.restoreFrom = r.getCheckpoint();
                    init.restoreParent = r.getParentCheckpoint();
                    containers.put(id, c);
                } else {
                    try {
                        rune.create(id, new CreateOptions(bundle.toString(), pidFile.toString(), io.consoleSocket(),
                                opts.noPivotRoot(), opts.noNewKeyring()), io.runeIo());
                    } catch (RuneException e) {
                        throw ShimError.unknown(e.getMessage());
                    }
                    io.started();
                    init.pid = readPid(pidFile);
                    c.cgroup = CgroupWatch.find(c);
                    containers.put(id, c);
                    exits.claim(init.pid, exit -> exitHandler.initExited(c, exit));
                }
                events.publish("/tasks/create", TaskCreate.newBuilder().setContainerId(id).setBundle(r.getBundle())
                        .addAllRootfs(r.getRootfsList())
                        .setIo(TaskIO.newBuilder().setStdin(stdio.stdin()).setStdout(stdio.stdout())
                                .setStderr(stdio.stderr()).setTerminal(stdio.terminal()))
                        .setCheckpoint(r.getCheckpoint()).setPid(init.pid).build());
            } finally {
                c.lock.unlock();
            }
            LOG.info("id={} call=Create pid={} took={}ms", id, init.pid, (System.nanoTime() - t0) / 1_000_000);
            return CreateTaskResponse.newBuilder().setPid(init.pid).build();
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (io != null) io.close();
            containers.remove(id);
            try {
                Rootfs.unmountAll(rootfs);
            } catch (IOException ue) {
                LOG.warn("id={} call=Create unmount after failure: {}", id, ue.getMessage());
            }
            throw e;
        }
    }

    private static int readPid(Path pidFile) throws IOException {
        String s = Files.readString(pidFile).trim();
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IOException("bad pid file " + pidFile + ": '" + s + "'");
        }
    }

    // ------------------------------------------------------------------ Start

    public StartResponse start(StartRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        ContainerProcess p = c.process(r.getExecId());
        c.lock.lock();
        try {
            p.state.checkStart();
            if (p instanceof ExecProcess e) {
                startExec(c, e);
            } else {
                try {
                    if (c.init.restoreFrom != null) restore(c);
                    else c.rune.start(c.id);
                } catch (RuneException e) {
                    throw ShimError.unknown(e.getMessage());
                }
                p.state = ProcessState.RUNNING;
                cgroups.watch(c);
                events.publish("/tasks/start", TaskStart.newBuilder().setContainerId(c.id).setPid(p.pid).build());
            }
        } finally {
            c.lock.unlock();
        }
        LOG.info("id={} exec={} call=Start pid={}", c.id, r.getExecId(), p.pid);
        return StartResponse.newBuilder().setPid(p.pid).build();
    }

    /** Start of a container created from a checkpoint: rune restore, then it is a running init. */
    private void restore(Container c) throws RuneException, IOException, InterruptedException {
        InitProcess p = c.init;
        Path pidFile = c.bundle.resolve("init.pid");
        String work = c.options.criuWorkPath().isEmpty() ? c.bundle.resolve("work").toString() : c.options.criuWorkPath();
        c.rune.restore(c.id, new io.rune.shim.runc.RestoreOptions(c.bundle.toString(), p.restoreFrom, work,
                p.restoreParent, pidFile.toString(), p.io.consoleSocket(), c.options.noPivotRoot()), p.io.runeIo());
        p.io.started();
        p.pid = readPid(pidFile);
        p.restoreFrom = null;
        c.cgroup = CgroupWatch.find(c);
        exits.claim(p.pid, exit -> exitHandler.initExited(c, exit));
    }

    /** rune exec --detach with the process spec in a temp file; called with the container lock held. */
    private void startExec(Container c, ExecProcess e) throws IOException, InterruptedException {
        c.init.state.checkExec();
        ProcessStdio io = ProcessStdio.open(c.id + "-" + e.execId, e.stdio, ioContext(c));
        Path spec = Files.createTempFile(tempDir(), "runc-process", null);
        Path pidFile = c.bundle.resolve(e.execId + ".pid");
        try {
            Files.write(spec, e.spec);
            try {
                c.rune.exec(c.id, new ExecOptions(spec.toString(), pidFile.toString(), io.consoleSocket()), io.runeIo());
            } catch (RuneException ex) {
                throw ShimError.unknown(ex.getMessage());
            }
            io.started();
            e.io = io;
            if (e.stdinClosed) io.closeStdin();
            e.pid = readPid(pidFile);
        } catch (IOException | RuntimeException | InterruptedException ex) {
            io.close();
            throw ex;
        } finally {
            Files.deleteIfExists(spec);
        }
        e.state = ProcessState.RUNNING;
        c.runningExecs++;
        exits.claim(e.pid, exit -> exitHandler.execExited(c, e, exit));
        events.publish("/tasks/exec-started", TaskExecStarted.newBuilder().setContainerId(c.id).setExecId(e.execId)
                .setPid(e.pid).build());
    }

    private static Path tempDir() {
        String xdg = System.getenv("XDG_RUNTIME_DIR");
        return Path.of(xdg == null || xdg.isEmpty() ? "/tmp" : xdg);
    }

    // ------------------------------------------------------------------ Exec

    public Empty exec(ExecProcessRequest r) throws IOException {
        Container c = container(r.getId());
        c.lock.lock();
        try {
            c.init.state.checkExec();
            String execId = r.getExecId();
            if (execId.isEmpty()) throw ShimError.invalidArgument("exec id must not be empty");
            if (c.execs.containsKey(execId)) throw new ShimError(ShimError.ALREADY_EXISTS, "id " + execId + ": already exists");
            byte[] spec = ExecSpec.of(r);
            c.execs.put(execId, new ExecProcess(execId,
                    new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()), spec));
            events.publish("/tasks/exec-added", TaskExecAdded.newBuilder().setContainerId(c.id).setExecId(execId).build());
        } finally {
            c.lock.unlock();
        }
        LOG.info("id={} exec={} call=Exec", c.id, r.getExecId());
        return Empty.getDefaultInstance();
    }


    // ------------------------------------------------------------------ Delete

    public DeleteResponse delete(DeleteRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        ContainerProcess p = c.process(r.getExecId());
        c.lock.lock();
        try {
            p.state.checkDelete();
            DeleteResponse resp = p instanceof ExecProcess e ? deleteExec(c, e) : deleteInit(c);
            LOG.info("id={} exec={} call=Delete pid={} status={}", c.id, r.getExecId(), p.pid, resp.getExitStatus());
            return resp;
        } finally {
            c.lock.unlock();
        }
    }

    private DeleteResponse deleteInit(Container c) throws IOException, InterruptedException {
        InitProcess p = c.init;
        p.io.awaitOutput(IO_DRAIN);
        try {
            c.rune.delete(c.id, false);
        } catch (RuneException e) {
            if (!e.notExist()) throw ShimError.unknown(e.getMessage());
        }
        p.io.close();
        for (ExecProcess e : c.execs.values()) if (e.io != null) e.io.close();
        Rootfs.unmountAll(c.rootfsPath());
        p.state = ProcessState.DELETED;
        containers.remove(c.id);
        cgroups.forget(c);
        exits.release(p.pid);
        DeleteResponse resp = response(p);
        events.publish("/tasks/delete", TaskDelete.newBuilder().setContainerId(c.id).setPid(resp.getPid())
                .setExitStatus(resp.getExitStatus()).setExitedAt(resp.getExitedAt()).build());
        return resp;
    }

    private DeleteResponse deleteExec(Container c, ExecProcess e) throws IOException {
        if (e.io != null) {
            e.io.awaitOutput(IO_DRAIN);
            e.io.close();
        }
        Files.deleteIfExists(c.bundle.resolve(e.execId + ".pid"));
        e.state = ProcessState.DELETED;
        c.execs.remove(e.execId);
        if (e.pid != 0) exits.release(e.pid);
        return response(e);
    }

    private static DeleteResponse response(ContainerProcess p) {
        Exit e = p.exit;
        return DeleteResponse.newBuilder().setPid(p.pid).setExitStatus(e == null ? 0 : e.status())
                .setExitedAt(Timestamps.of(e == null ? null : e.exitedAt())).build();
    }

    // ------------------------------------------------------------------ State / Wait

    public StateResponse state(StateRequest r) {
        Container c = container(r.getId());
        ContainerProcess p = c.process(r.getExecId());
        Exit e = p.exit;
        Status status = p.state.status();
        if (p instanceof ExecProcess && p.state == ProcessState.RUNNING) {
            // an exec of a paused container is paused too
            ProcessState init = c.init.state;
            if (init == ProcessState.PAUSED || init == ProcessState.PAUSING) status = init.status();
        }
        return StateResponse.newBuilder().setId(p.processId()).setBundle(c.bundle.toString()).setPid(p.pid)
                .setStatus(status).setStdin(p.stdio.stdin()).setStdout(p.stdio.stdout())
                .setStderr(p.stdio.stderr()).setTerminal(p.stdio.terminal())
                .setExitStatus(e == null ? 0 : e.status()).setExitedAt(Timestamps.of(e == null ? null : e.exitedAt()))
                .build();
    }

    public WaitResponse await(WaitRequest r) throws InterruptedException {
        Container c = container(r.getId());
        ContainerProcess p = c.process(r.getExecId());
        Exit e;
        try {
            e = p.exited.get();
        } catch (ExecutionException ex) {
            throw ShimError.unknown(ex.getCause().getMessage());
        }
        return WaitResponse.newBuilder().setExitStatus(e.status()).setExitedAt(Timestamps.of(e.exitedAt())).build();
    }

    // ------------------------------------------------------------------ Kill

    public Empty kill(KillRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        ContainerProcess p = c.process(r.getExecId());
        if (p.state == ProcessState.DELETED) throw ShimError.notFound("process already finished");
        if (p instanceof ExecProcess) {
            killExec(p, r.getSignal());
        } else {
            try {
                c.rune.kill(c.id, r.getSignal(), r.getAll());
            } catch (RuneException e) {
                throw killError(e);
            }
        }
        LOG.info("id={} exec={} call=Kill signal={} all={}", c.id, r.getExecId(), r.getSignal(), r.getAll());
        return Empty.getDefaultInstance();
    }

    /** An exec is signalled directly, not through rune ({@code all} does not apply), as the Go shim does. */
    private static void killExec(ContainerProcess p, int signal) {
        if (p.pid == 0) throw new ShimError(ShimError.FAILED_PRECONDITION, "process not created: failed precondition");
        if (p.exit != null) throw ShimError.notFound("process already finished");
        try {
            Posix.kill(p.pid, signal);
        } catch (SysException e) {
            if (e.errno() == Errno.ESRCH) throw ShimError.notFound("process already finished");
            throw ShimError.unknown(e.getMessage());
        }
    }

    /** rune's kill failures in containerd's terms, as the Go shim classifies them. */
    static ShimError killError(RuneException e) {
        String m = e.runeMessage();
        if (m.contains("process already finished") || m.contains("container not running")
                || m.contains("no such process")) {
            return ShimError.notFound("process already finished");
        }
        if (m.contains("does not exist")) return ShimError.notFound("no such container");
        return ShimError.unknown("unknown error after kill: " + e.getMessage());
    }

    // ------------------------------------------------------------------ Pause / Resume

    public Empty pause(PauseRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        InitProcess p = c.init;
        c.lock.lock();
        try {
            p.state.checkPause();
            p.state = ProcessState.PAUSING;
            try {
                c.rune.pause(c.id);
            } catch (RuneException e) {
                p.state = ProcessState.RUNNING;
                throw ShimError.unknown(e.getMessage());
            }
            p.state = ProcessState.PAUSED;
            events.publish("/tasks/paused", TaskPaused.newBuilder().setContainerId(c.id).build());
        } finally {
            c.lock.unlock();
        }
        LOG.info("id={} call=Pause", c.id);
        return Empty.getDefaultInstance();
    }

    public Empty resume(ResumeRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        InitProcess p = c.init;
        c.lock.lock();
        try {
            p.state.checkResume();
            try {
                c.rune.resume(c.id);
            } catch (RuneException e) {
                throw ShimError.unknown(e.getMessage());
            }
            p.state = ProcessState.RUNNING;
            events.publish("/tasks/resumed", TaskResumed.newBuilder().setContainerId(c.id).build());
        } finally {
            c.lock.unlock();
        }
        LOG.info("id={} call=Resume", c.id);
        return Empty.getDefaultInstance();
    }

    // ------------------------------------------------------------------ Pids / Update / CloseIO / ResizePty

    public PidsResponse pids(PidsRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        List<Integer> pids;
        try {
            pids = c.rune.ps(c.id);
        } catch (RuneException e) {
            throw ShimError.unknown("failed to list pids: " + e.getMessage());
        }
        PidsResponse.Builder b = PidsResponse.newBuilder();
        for (int pid : pids) {
            ProcessInfo.Builder info = ProcessInfo.newBuilder().setPid(pid);
            for (ExecProcess e : c.execs.values()) {
                if (e.pid == pid) {
                    info.setInfo(Any.newBuilder().setTypeUrl("containerd.runc.v1.ProcessDetails")
                            .setValue(ProcessDetails.newBuilder().setExecId(e.execId).build().toByteString()));
                }
            }
            b.addProcesses(info);
        }
        return b.build();
    }

    public Empty update(UpdateTaskRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        c.init.state.checkUpdate();
        byte[] resources;
        try {
            // LinuxResources JSON, type URL not checked (as the Go shim); re-encoded so rune gets clean JSON
            resources = JSON.writeValueAsBytes(JSON.readTree(r.getResources().getValue().toByteArray()));
        } catch (IOException e) {
            throw ShimError.unknown("failed to decode resources: " + e.getMessage());
        }
        try {
            c.rune.update(c.id, resources);
        } catch (RuneException e) {
            throw ShimError.unknown(e.getMessage());
        }
        LOG.info("id={} call=Update", c.id);
        return Empty.getDefaultInstance();
    }

    public Empty closeIO(CloseIORequest r) {
        Container c = container(r.getId());
        ContainerProcess p = c.process(r.getExecId());
        c.lock.lock();
        try {
            // ctr sends CloseIO as soon as its stdin ends, which can be before the exec started
            p.stdinClosed = true;
            if (p.io != null) p.io.closeStdin();
        } finally {
            c.lock.unlock();
        }
        LOG.info("id={} exec={} call=CloseIO", c.id, r.getExecId());
        return Empty.getDefaultInstance();
    }

    public Empty resizePty(ResizePtyRequest r) throws IOException {
        Container c = container(r.getId());
        ContainerProcess p = c.process(r.getExecId());
        if (p instanceof ExecProcess) p.state.checkResize(); // an init that stopped resizes silently (Go shim)
        if (p.io != null) p.io.resize(r.getWidth(), r.getHeight());
        return Empty.getDefaultInstance();
    }

    // ------------------------------------------------------------------ Stats

    public StatsResponse stats(StatsRequest r) throws IOException {
        return CgroupWatch.stats(container(r.getId()));
    }

    // ------------------------------------------------------------------ Checkpoint

    public Empty checkpoint(CheckpointTaskRequest r) throws IOException, InterruptedException {
        Container c = container(r.getId());
        c.lock.lock();
        try {
            c.init.state.checkCheckpoint();
            checkpoints.checkpoint(c, r);
        } finally {
            c.lock.unlock();
        }
        LOG.info("id={} call=Checkpoint path={}", c.id, r.getPath());
        return Empty.getDefaultInstance();
    }

    // ------------------------------------------------------------------ Connect / Shutdown

    public ConnectResponse connect(ConnectRequest r) {
        Container c = containers.get(r.getId());
        return ConnectResponse.newBuilder().setShimPid(shimPid).setTaskPid(c == null ? 0 : c.init.pid).build();
    }

    public Empty shutdown(ShutdownRequest r) {
        if (containers.isEmpty()) {
            LOG.info("id={} call=Shutdown no container left: exiting", r.getId());
            cgroups.close();
            onLastContainerGone.run();
        }
        return Empty.getDefaultInstance();
    }
}
