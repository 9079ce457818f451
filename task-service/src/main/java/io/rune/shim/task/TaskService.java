package io.rune.shim.task;

import com.google.protobuf.Empty;
import io.rune.shim.api.events.TaskCreate;
import io.rune.shim.api.events.TaskDelete;
import io.rune.shim.api.events.TaskExit;
import io.rune.shim.api.events.TaskIO;
import io.rune.shim.api.events.TaskStart;
import io.rune.shim.api.task.*;
import io.rune.shim.reaper.Exit;
import io.rune.shim.runc.CreateOptions;
import io.rune.shim.runc.Monitor;
import io.rune.shim.runc.Rune;
import io.rune.shim.runc.RuneConfig;
import io.rune.shim.runc.RuneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containerd Task service over rune: containers of this daemon, their init processes,
 * the events and the error codes containerd expects (containerd-shim-runc-v2 semantics).
 */
public final class TaskService {
    private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
    private static final Duration IO_DRAIN = Duration.ofSeconds(2);

    private final String namespace;
    private final int shimPid;
    private final boolean debug;
    private final Monitor monitor;
    private final EventSink events;
    private final Runnable onLastContainerGone;
    private final ExitRouter exits = new ExitRouter();
    private final Map<String, Container> containers = new ConcurrentHashMap<>();

    /**
     * @param onLastContainerGone called by Shutdown when no container is left (the daemon exits)
     */
    public TaskService(String namespace, int shimPid, boolean debug, Monitor monitor, EventSink events,
                       Runnable onLastContainerGone) {
        this.namespace = namespace;
        this.shimPid = shimPid;
        this.debug = debug;
        this.monitor = monitor;
        this.events = events;
        this.onLastContainerGone = onLastContainerGone;
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

    /** Only init processes exist until exec support lands: any exec id is unknown. */
    private Container initOf(String id, String execId) {
        Container c = container(id);
        if (!execId.isEmpty()) throw ShimError.processDoesNotExist(execId);
        return c;
    }

    // ------------------------------------------------------------------ Create

    public CreateTaskResponse create(CreateTaskRequest r) throws IOException, InterruptedException {
        String id = r.getId();
        if (id.isEmpty()) throw ShimError.invalidArgument("container id must not be empty");
        if (!r.getCheckpoint().isEmpty()) throw ShimError.unimplemented("restore from checkpoint is not supported by this shim yet");
        Path bundle = Path.of(r.getBundle());
        RuntimeOptions opts = OptionsDecoder.decode(r.hasOptions() ? r.getOptions() : null);
        OciSpec spec = OciSpec.read(bundle);
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
            io = ProcessStdio.open(id, stdio, opts.ioUid(), opts.ioGid());
            InitProcess init = new InitProcess(stdio, io);
            Container c = new Container(id, bundle, r.getRootfsList(), rune, opts, !spec.privatePidNamespace(), init);
            c.lock.lock();
            try {
                Path pidFile = bundle.resolve("init.pid");
                try {
                    rune.create(id, new CreateOptions(bundle.toString(), pidFile.toString(), io.consoleSocket(),
                            opts.noPivotRoot(), opts.noNewKeyring()), io.runeIo());
                } catch (RuneException e) {
                    throw ShimError.unknown(e.getMessage());
                }
                io.started();
                init.pid = readPid(pidFile);
                containers.put(id, c);
                exits.claim(init.pid, exit -> onInitExit(c, exit));
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
        Container c = initOf(r.getId(), r.getExecId());
        InitProcess p = c.init;
        c.lock.lock();
        try {
            p.state.checkStart();
            try {
                c.rune.start(c.id);
            } catch (RuneException e) {
                throw ShimError.unknown(e.getMessage());
            }
            p.state = ProcessState.RUNNING;
            events.publish("/tasks/start", TaskStart.newBuilder().setContainerId(c.id).setPid(p.pid).build());
        } finally {
            c.lock.unlock();
        }
        LOG.info("id={} call=Start pid={}", c.id, p.pid);
        return StartResponse.newBuilder().setPid(p.pid).build();
    }

    // ------------------------------------------------------------------ exits

    private void onInitExit(Container c, Exit exit) {
        InitProcess p = c.init;
        if (c.sharedPidNamespace) {
            // without a pid namespace the init's children outlive it: take them down too
            try {
                c.rune.kill(c.id, 9, true);
            } catch (RuneException | IOException e) {
                LOG.debug("id={} call=exit kill --all: {}", c.id, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // deliver all output before containerd learns of the exit
        if (!p.io.awaitOutput(IO_DRAIN)) LOG.warn("id={} call=exit output not drained within {}", c.id, IO_DRAIN);
        c.lock.lock();
        try {
            p.exit = exit;
            if (p.state != ProcessState.DELETED) p.state = ProcessState.STOPPED;
            events.publish("/tasks/exit", TaskExit.newBuilder().setContainerId(c.id).setId(c.id).setPid(exit.pid())
                    .setExitStatus(exit.status()).setExitedAt(Timestamps.of(exit.exitedAt())).build());
        } finally {
            c.lock.unlock();
        }
        p.exited.complete(exit);
        LOG.info("id={} call=exit pid={} status={}", c.id, exit.pid(), exit.status());
    }

    // ------------------------------------------------------------------ Delete

    public DeleteResponse delete(DeleteRequest r) throws IOException, InterruptedException {
        Container c = initOf(r.getId(), r.getExecId());
        InitProcess p = c.init;
        c.lock.lock();
        try {
            p.state.checkDelete();
            p.io.awaitOutput(IO_DRAIN);
            try {
                c.rune.delete(c.id, false);
            } catch (RuneException e) {
                if (!e.notExist()) throw ShimError.unknown(e.getMessage());
            }
            p.io.close();
            Rootfs.unmountAll(c.rootfsPath());
            p.state = ProcessState.DELETED;
            containers.remove(c.id);
            exits.release(p.pid);
            Exit e = p.exit;
            DeleteResponse resp = DeleteResponse.newBuilder().setPid(p.pid).setExitStatus(e == null ? 0 : e.status())
                    .setExitedAt(Timestamps.of(e == null ? null : e.exitedAt())).build();
            events.publish("/tasks/delete", TaskDelete.newBuilder().setContainerId(c.id).setPid(resp.getPid())
                    .setExitStatus(resp.getExitStatus()).setExitedAt(resp.getExitedAt()).build());
            LOG.info("id={} call=Delete pid={} status={}", c.id, p.pid, resp.getExitStatus());
            return resp;
        } finally {
            c.lock.unlock();
        }
    }

    // ------------------------------------------------------------------ State / Wait

    public StateResponse state(StateRequest r) {
        Container c = initOf(r.getId(), r.getExecId());
        InitProcess p = c.init;
        Exit e = p.exit;
        return StateResponse.newBuilder().setId(c.id).setBundle(c.bundle.toString()).setPid(p.pid)
                .setStatus(p.state.status()).setStdin(p.stdio.stdin()).setStdout(p.stdio.stdout())
                .setStderr(p.stdio.stderr()).setTerminal(p.stdio.terminal())
                .setExitStatus(e == null ? 0 : e.status()).setExitedAt(Timestamps.of(e == null ? null : e.exitedAt()))
                .build();
    }

    public WaitResponse await(WaitRequest r) throws InterruptedException {
        Container c = initOf(r.getId(), r.getExecId());
        Exit e;
        try {
            e = c.init.exited.get();
        } catch (ExecutionException ex) {
            throw ShimError.unknown(ex.getCause().getMessage());
        }
        return WaitResponse.newBuilder().setExitStatus(e.status()).setExitedAt(Timestamps.of(e.exitedAt())).build();
    }

    // ------------------------------------------------------------------ Kill

    public Empty kill(KillRequest r) throws IOException, InterruptedException {
        Container c = initOf(r.getId(), r.getExecId());
        if (c.init.state == ProcessState.DELETED) throw ShimError.notFound("process already finished");
        try {
            c.rune.kill(c.id, r.getSignal(), r.getAll());
        } catch (RuneException e) {
            throw killError(e);
        }
        LOG.info("id={} call=Kill signal={} all={}", c.id, r.getSignal(), r.getAll());
        return Empty.getDefaultInstance();
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

    // ------------------------------------------------------------------ Connect / Shutdown

    public ConnectResponse connect(ConnectRequest r) {
        Container c = containers.get(r.getId());
        return ConnectResponse.newBuilder().setShimPid(shimPid).setTaskPid(c == null ? 0 : c.init.pid).build();
    }

    public Empty shutdown(ShutdownRequest r) {
        if (containers.isEmpty()) {
            LOG.info("id={} call=Shutdown no container left: exiting", r.getId());
            onLastContainerGone.run();
        }
        return Empty.getDefaultInstance();
    }

    /** Methods whose issue has not landed yet: a clear Unimplemented, never a silent success. */
    public static ShimError notYet(String method) {
        return ShimError.unimplemented(method + " is not implemented by containerd-shim-rune-v2 yet");
    }
}
