package io.rune.shim.crie2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.StatusRuntimeException;
import io.rune.shim.crie2e.cri.ContainerState;
import io.rune.shim.crie2e.cri.ContainerStats;
import io.rune.shim.crie2e.cri.ContainerStatsRequest;
import io.rune.shim.crie2e.cri.ContainerStatus;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * containerd restarted while a pod runs: the CRI plugin recovers the sandbox and the container from
 * its metadata and containerd reconnects to the running shim (Connect), which keeps serving; the pod
 * is then stopped and removed cleanly through the restarted containerd.
 */
class ContainerdRestartTest extends CriTestBase {

    ContainerdRestartTest(CriContainerd ctd) {
        super(ctd);
    }

    /**
     * @param before    pod and container state before the restart
     * @param after     pod and container state after it
     * @param sameShim  the same single shim process serves the pod after the restart
     * @param exec      ExecSync after the restart
     * @param stats     ContainerStats after the restart: cpu usage reported
     * @param stop      StopContainer after the restart, then state, exit code, reason
     * @param teardown  RemoveContainer, StopPodSandbox, RemovePodSandbox
     * @param clean     nothing of the pod left
     */
    record Restart(String before, String after, boolean sameShim, String exec, String stats, String stop, String teardown,
                   boolean clean) {}

    private Restart scenario(Handler h) {
        Pod pod = newPod(h, "restart");
        runPod(pod);
        String id = createContainer(pod, "main", SLEEPER, null);
        startContainer(id);
        String before = podStatus(pod.id).getState() + " " + awaitState(id, ContainerState.CONTAINER_RUNNING, Duration.ofSeconds(10)).getState();
        List<ProcScan.Proc> shims = Poll.until(Duration.ofSeconds(5), () -> podShims(pod), l -> l.size() <= 1);
        try {
            ctd.restart();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String after = orNull(() -> podStatus(pod.id).getState()) + " " + orNull(() -> status(id).getState());
        List<ProcScan.Proc> shimsAfter = podShims(pod);
        boolean sameShim = shims.size() == 1 && shimsAfter.size() == 1 && shims.get(0).pid() == shimsAfter.get(0).pid();
        String exec = execSync(id, 10, "/bin/echo", "after-restart").toString();
        String stats;
        try {
            ContainerStats cs = ctd.runtime().containerStats(ContainerStatsRequest.newBuilder().setContainerId(id).build()).getStats();
            stats = "cpu>0 " + (cs.getCpu().getUsageCoreNanoSeconds().getValue() > 0);
        } catch (StatusRuntimeException e) {
            stats = error(e, id);
        }
        String stop = stopContainer(id, 10);
        ContainerStatus st = awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(10));
        stop += " -> " + st.getState() + " exit " + st.getExitCode() + " reason " + st.getReason();
        String teardown = removeContainer(id) + ", " + stopPod(pod) + ", " + removePod(pod);
        Leftovers left = teardown(pod);
        Restart r = new Restart(before, after, sameShim, exec, stats, stop, teardown, left.clean());
        System.err.println("[cri-e2e] " + h + ": shims " + shims + " / " + shimsAfter + " -> " + r
                + (left.clean() ? "" : "\n  leftovers " + left));
        return r;
    }

    @Test
    void podSurvivesContainerdRestartAndIsRemovedCleanly() {
        Sides<Restart> s = Sides.run(this::scenario);
        Restart expected = new Restart("SANDBOX_READY CONTAINER_RUNNING", "SANDBOX_READY CONTAINER_RUNNING", true,
                "exit 0 stdout=after-restart\\n", "cpu>0 true", "ok -> CONTAINER_EXITED exit 143 reason Error", "ok, ok, ok", true);
        assertAll(
                () -> assertEquals(expected, s.ref(), "runc"),
                () -> assertEquals(expected, s.ut(), "rune"),
                () -> assertEquals(s.ref(), s.ut(), "rune differs from runc"));
    }
}
