package io.rune.shim.task;

import com.google.protobuf.Empty;
import io.rune.shim.api.Anys;
import io.rune.shim.api.runc.ProcessDetails;
import io.rune.shim.api.task.*;
import io.rune.shim.api.types.ProcessInfo;
import io.rune.shim.formats.FormatException;
import io.rune.shim.formats.Json;
import io.rune.shim.runc.RuneException;
import io.rune.shim.stdio.StdioPaths;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The containerd Task service over rune, as containerd-shim-runc-v2 answers it: each call finds
 * the container and process, and the process's lifecycle does the rest.
 */
public final class TaskService {
    private static final Logger LOG = LoggerFactory.getLogger(TaskService.class);
    private static final Empty EMPTY = Empty.getDefaultInstance();

    private final int shimPid;
    private final Runnable onLastContainerGone;
    private final Containers containers = new Containers();
    private final ExitRouter exits = new ExitRouter();
    private final CgroupWatch cgroups;
    private final ContainerFactory factory;

    /**
     * @param ports               how rune, carrier tools and stdio helpers are started
     * @param onLastContainerGone called by Shutdown when no container is left (the daemon exits)
     */
    public TaskService(String namespace, int shimPid, boolean debug, TaskPorts ports, EventSink sink,
                       Runnable onLastContainerGone) {
        this.shimPid = shimPid;
        this.onLastContainerGone = onLastContainerGone;
        TaskEvents events = new TaskEvents(sink);
        this.cgroups = new CgroupWatch(events);
        TaskContext ctx = new TaskContext(namespace, containers, events, exits, cgroups, ports.helpers());
        this.factory = new ContainerFactory(ctx, debug, ports.rune(), new EnclaveStep(ports.carrier()));
    }

    /** Feed from the reaper: exits of processes the service does not spawn itself (inits, execs). */
    public void processExited(int pid, int status, Instant exitedAt) {
        exits.onExit(new ProcessExit(pid, status, exitedAt));
    }

    public int containerCount() {
        return containers.size();
    }

    /** No container, and none being created: a shared daemon may leave. */
    public boolean idle() {
        return containers.isEmpty();
    }

    public CreateTaskResponse create(CreateTaskRequest r) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Container c = factory.create(r);
        LOG.info("id={} call=Create pid={} took={}ms", c.id, c.init.pid, (System.nanoTime() - t0) / 1_000_000);
        return CreateTaskResponse.newBuilder().setPid(c.init.pid).build();
    }

    public StartResponse start(StartRequest r) throws IOException, InterruptedException {
        Process p = containers.get(r.getId()).process(r.getExecId());
        p.start();
        LOG.info("id={} exec={} call=Start pid={}", r.getId(), r.getExecId(), p.pid);
        return StartResponse.newBuilder().setPid(p.pid).build();
    }

    public Empty exec(ExecProcessRequest r) {
        containers.get(r.getId()).addExec(r.getExecId(),
                new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal()), ExecSpec.of(r));
        LOG.info("id={} exec={} call=Exec", r.getId(), r.getExecId());
        return EMPTY;
    }

    public DeleteResponse delete(DeleteRequest r) throws IOException, InterruptedException {
        Process p = containers.get(r.getId()).process(r.getExecId());
        DeleteResponse resp = p.delete();
        LOG.info("id={} exec={} call=Delete pid={} status={}", r.getId(), r.getExecId(), p.pid, resp.getExitStatus());
        return resp;
    }

    public StateResponse state(StateRequest r) {
        return containers.get(r.getId()).process(r.getExecId()).state();
    }

    public WaitResponse await(WaitRequest r) throws InterruptedException {
        ProcessExit e = containers.get(r.getId()).process(r.getExecId()).awaitExit();
        return WaitResponse.newBuilder().setExitStatus(e.status()).setExitedAt(Timestamps.of(e.exitedAt())).build();
    }

    public Empty kill(KillRequest r) throws IOException, InterruptedException {
        containers.get(r.getId()).process(r.getExecId()).kill(r.getSignal(), r.getAll());
        LOG.info("id={} exec={} call=Kill signal={} all={}", r.getId(), r.getExecId(), r.getSignal(), r.getAll());
        return EMPTY;
    }

    public Empty pause(PauseRequest r) throws IOException, InterruptedException {
        containers.get(r.getId()).init.pause();
        LOG.info("id={} call=Pause", r.getId());
        return EMPTY;
    }

    public Empty resume(ResumeRequest r) throws IOException, InterruptedException {
        containers.get(r.getId()).init.resume();
        LOG.info("id={} call=Resume", r.getId());
        return EMPTY;
    }

    /** rune ps; an exec's pid carries its exec id (containerd.runc.v1.ProcessDetails). */
    public PidsResponse pids(PidsRequest r) throws IOException, InterruptedException {
        Container c = containers.get(r.getId());
        List<Integer> pids;
        try {
            pids = c.rune.ps(c.id);
        } catch (RuneException e) {
            throw ShimError.unknown("failed to list pids: " + e.getMessage());
        }
        PidsResponse.Builder b = PidsResponse.newBuilder();
        for (int pid : pids) {
            ProcessInfo.Builder info = ProcessInfo.newBuilder().setPid(pid);
            for (ExecProcess e : c.execs()) {
                if (e.pid == pid) {
                    info.setInfo(Anys.pack(ProcessDetails.newBuilder().setExecId(e.execId).build()));
                }
            }
            b.addProcesses(info);
        }
        return b.build();
    }

    public Empty update(UpdateTaskRequest r) throws IOException, InterruptedException {
        Container c = containers.get(r.getId());
        c.init.initState().checkUpdate();
        byte[] resources;
        try {
            // LinuxResources JSON, type URL not checked (as the Go shim); re-encoded so rune gets clean JSON
            resources = Json.writeBytes(Json.parse(r.getResources().getValue().toByteArray(), null));
        } catch (FormatException e) {
            throw ShimError.unknown("failed to decode resources: " + e.getMessage());
        }
        c.init.update(resources);
        LOG.info("id={} call=Update", c.id);
        return EMPTY;
    }

    public Empty closeIO(CloseIORequest r) {
        containers.get(r.getId()).process(r.getExecId()).closeStdin();
        LOG.info("id={} exec={} call=CloseIO", r.getId(), r.getExecId());
        return EMPTY;
    }

    public Empty resizePty(ResizePtyRequest r) throws IOException {
        containers.get(r.getId()).process(r.getExecId()).resize(r.getWidth(), r.getHeight());
        return EMPTY;
    }

    public StatsResponse stats(StatsRequest r) throws IOException {
        return CgroupWatch.stats(containers.get(r.getId()));
    }

    public Empty checkpoint(CheckpointTaskRequest r) throws IOException, InterruptedException {
        containers.get(r.getId()).init.checkpoint(r);
        LOG.info("id={} call=Checkpoint path={}", r.getId(), r.getPath());
        return EMPTY;
    }

    public ConnectResponse connect(ConnectRequest r) {
        Container c = containers.find(r.getId());
        return ConnectResponse.newBuilder().setShimPid(shimPid).setTaskPid(c == null ? 0 : c.init.pid).build();
    }

    public Empty shutdown(ShutdownRequest r) {
        if (containers.isEmpty()) {
            LOG.info("id={} call=Shutdown no container left: exiting", r.getId());
            cgroups.close();
            onLastContainerGone.run();
        }
        return EMPTY;
    }
}
