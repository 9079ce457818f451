package io.rune.shim.crie2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.StatusRuntimeException;
import io.rune.shim.crie2e.cri.ContainerState;
import io.rune.shim.crie2e.cri.ContainerStats;
import io.rune.shim.crie2e.cri.ContainerStatsRequest;
import io.rune.shim.crie2e.cri.ContainerStatus;
import io.rune.shim.crie2e.cri.LinuxContainerResources;
import io.rune.shim.crie2e.cri.UpdateContainerResourcesRequest;
import io.rune.shim.testsupport.Poll;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's whole path for one pod with one container: RunPodSandbox → CreateContainer →
 * StartContainer → ContainerStatus → ExecSync (output and exit code; a timeout) → ContainerStats →
 * UpdateContainerResources → StopContainer → RemoveContainer → StopPodSandbox → RemovePodSandbox, then
 * nothing of the pod left on the host. Same outcome expected under runc and rune.
 */
class PodLifecycleTest extends CriTestBase {
    static final long MIB = 1024 * 1024;

    PodLifecycleTest(CriContainerd ctd) {
        super(ctd);
    }

    /**
     * What one handler showed (ids replaced by placeholders, times by booleans).
     *
     * @param pod          PodSandboxStatus state and whether runtime_handler echoes the handler
     * @param created      state after CreateContainer
     * @param started      state after StartContainer, started_at set
     * @param stateDir     the runtime's state dir for the container exists under the handler's configured root
     * @param exec         ExecSync of a command writing to stdout and stderr and exiting 3
     * @param execTimeout  ExecSync of {@code sleep 31} with timeout 2 s: the error, returned within 10 s
     * @param timedOutGone the timed-out exec's process is gone afterwards (count of "sleep 31" in ps)
     * @param stats        ContainerStats: attributes id, cpu usage > 0, memory working set > 0, writable layer reported
     * @param cgroupBefore memory limit, CFS quota and CPU shares as seen inside the container before the update
     * @param update       UpdateContainerResources result
     * @param cgroupAfter  the same three values after it
     * @param stop         StopContainer(timeout 10) result, then state, exit code and reason
     * @param remove       RemoveContainer result, then ContainerStatus of the removed container
     * @param stopPod      StopPodSandbox result and the sandbox state after it
     * @param removePod    RemovePodSandbox result
     * @param clean        nothing of the pod left (see {@link Leftovers})
     */
    record Lifecycle(String pod, String created, String started, boolean stateDir, String exec, String execTimeout,
                     String timedOutGone, String stats, String cgroupBefore, String update, String cgroupAfter, String stop,
                     String remove, String stopPod, String removePod, boolean clean) {}

    private static final String CGROUP_VALUES = "cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.cfs_quota_us"
            + " /sys/fs/cgroup/cpu/cpu.shares 2>&1 | tr '\\n' ' '";

    private Lifecycle scenario(Handler h) {
        Pod pod = newPod(h, "life");
        runPod(pod);
        var ps = podStatus(pod.id);
        String podState = ps.getState() + (ps.getRuntimeHandler().equals(h.name()) ? " handler=" + h.name() : " handler=" + ps.getRuntimeHandler());
        String id = createContainer(pod, "main", SLEEPER, LinuxContainerResources.newBuilder()
                .setMemoryLimitInBytes(200 * MIB).setCpuShares(256).setCpuPeriod(100000).setCpuQuota(200000).build());
        String created = status(id).getState().toString();
        startContainer(id);
        ContainerStatus st = awaitState(id, ContainerState.CONTAINER_RUNNING, Duration.ofSeconds(10));
        String started = st.getState() + (st.getStartedAt() > 0 ? " started_at set" : " no started_at");
        boolean stateDir = Files.isDirectory(h.stateRoot().resolve(CriContainerd.NAMESPACE).resolve(id));

        Exec exec = execSync(id, 10, "/bin/sh", "-c", "echo out; echo err >&2; exit 3");
        long t0 = System.nanoTime();
        Exec timeout = execSync(id, 2, "/bin/sleep", "31");
        long took = (System.nanoTime() - t0) / 1_000_000;
        String execTimeout = timeout + (took < 10_000 ? " (within 10 s)" : " (took " + took + " ms)");
        String gone = Poll.until(Duration.ofSeconds(5), () -> execSync(id, 10, "/bin/sh", "-c", "ps -o args | grep -c '^/bin/sleep 31'").toString(),
                s -> s.startsWith("exit 1 stdout=0"));

        String stats;
        try {
            ContainerStats cs = Poll.until(Duration.ofSeconds(10), () -> ctd.runtime().containerStats(
                    ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats(),
                    s -> s.getCpu().getUsageCoreNanoSeconds().getValue() > 0 && s.getMemory().getWorkingSetBytes().getValue() > 0);
            stats = "id " + (cs.getAttributes().getId().equals(id) ? "<id>" : cs.getAttributes().getId())
                    + ", cpu>0 " + (cs.getCpu().getUsageCoreNanoSeconds().getValue() > 0)
                    + ", workingSet>0 " + (cs.getMemory().getWorkingSetBytes().getValue() > 0)
                    + ", writableLayer " + cs.hasWritableLayer();
        } catch (StatusRuntimeException e) {
            stats = error(e, id);
        }
        String before = execSync(id, 10, "/bin/sh", "-c", CGROUP_VALUES).toString();
        String update = call(() -> ctd.runtime().updateContainerResources(UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(id).setLinux(LinuxContainerResources.newBuilder()
                        .setMemoryLimitInBytes(100 * MIB).setCpuShares(512).setCpuPeriod(100000).setCpuQuota(50000)).build()), id);
        String after = execSync(id, 10, "/bin/sh", "-c", CGROUP_VALUES).toString();

        String stop = stopContainer(id, 10);
        ContainerStatus exited = awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
        stop += " -> " + exited.getState() + " exit " + exited.getExitCode() + " reason " + exited.getReason();
        String remove = removeContainer(id);
        String afterRemove;
        try {
            afterRemove = "status " + status(id).getState();
        } catch (StatusRuntimeException e) {
            afterRemove = "status " + error(e, id);
        }
        remove += " -> " + afterRemove;
        String stopPod = stopPod(pod);
        stopPod += " -> " + orNull(() -> podStatus(pod.id).getState());
        String removePod = removePod(pod);
        Leftovers left = teardown(pod);
        Lifecycle l = new Lifecycle(podState, created, started, stateDir, exec.toString(), execTimeout, gone, stats, before, update,
                after, stop, remove, stopPod, removePod, left.clean());
        System.err.println("[cri-e2e] " + h + ": " + l + (left.clean() ? "" : "\n  leftovers " + left));
        return l;
    }

    @Test
    void wholePodLifecycleMatchesRunc() {
        Sides<Lifecycle> s = Sides.run(this::scenario);
        Lifecycle expected = new Lifecycle("SANDBOX_READY handler=<h>", "CONTAINER_CREATED", "CONTAINER_RUNNING started_at set", true,
                "exit 3 stdout=out\\n stderr=err\\n",
                "ERROR DEADLINE_EXCEEDED: failed to exec in container: timeout 2s exceeded: context deadline exceeded (within 10 s)",
                "exit 1 stdout=0\\n",
                "id <id>, cpu>0 true, workingSet>0 true, writableLayer true",
                "exit 0 stdout=209715200 200000 256 ", "ok", "exit 0 stdout=104857600 50000 512 ",
                "ok -> CONTAINER_EXITED exit 143 reason Error", "ok -> status ERROR NOT_FOUND: an error occurred when try to find container \"<id>\": not found",
                "ok -> SANDBOX_NOTREADY", "ok", true);
        assertAll(
                () -> assertEquals(expected, generic(s.ref(), "runc"), "runc"),
                () -> assertEquals(expected, generic(s.ut(), "rune"), "rune"),
                () -> assertEquals(generic(s.ref(), "runc"), generic(s.ut(), "rune"), "rune differs from runc"));
    }

    private static Lifecycle generic(Lifecycle l, String handler) {
        return new Lifecycle(l.pod().replace("handler=" + handler, "handler=<h>"), l.created(), l.started(), l.stateDir(), l.exec(),
                l.execTimeout(), l.timedOutGone(), l.stats(), l.cgroupBefore(), l.update(), l.cgroupAfter(), l.stop(), l.remove(),
                l.stopPod(), l.removePod(), l.clean());
    }
}
