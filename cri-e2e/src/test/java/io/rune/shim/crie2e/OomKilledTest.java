package io.rune.shim.crie2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rune.shim.crie2e.cri.ContainerState;
import io.rune.shim.crie2e.cri.ContainerStatus;
import io.rune.shim.crie2e.cri.LinuxContainerResources;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A container with a 32 MiB memory limit that allocates without bound (busybox {@code tail /dev/zero}
 * buffers a "line" that never ends): the kernel OOM-kills it, the shim publishes /tasks/oom, and the CRI
 * plugin reports EXITED, exit code 137, reason OOMKilled.
 */
class OomKilledTest extends CriTestBase {
    static final long LIMIT = 32L * 1024 * 1024;

    OomKilledTest(CriContainerd ctd) {
        super(ctd);
    }

    /**
     * @param status  state, exit code, reason once exited (or the last state seen within 60 s)
     * @param oomLogs containerd logged a TaskOOM event for the container
     * @param clean   nothing of the pod left after teardown
     */
    record Oom(String status, boolean oomLogs, boolean clean) {}

    private Oom scenario(Handler h) {
        Pod pod = newPod(h, "oom");
        runPod(pod);
        String id = createContainer(pod, "hog", List.of("/bin/tail", "/dev/zero"),
                LinuxContainerResources.newBuilder().setMemoryLimitInBytes(LIMIT).build());
        startContainer(id);
        ContainerStatus st = awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(60));
        String status = st.getState() + " exit " + st.getExitCode() + " reason " + st.getReason();
        boolean oomEvent = !ctd.logLines("TaskOOM", id).isEmpty();
        Leftovers left = teardown(pod);
        Oom o = new Oom(status, oomEvent, left.clean());
        System.err.println("[cri-e2e] " + h + ": " + o + (left.clean() ? "" : "\n  leftovers " + left));
        return o;
    }

    @Test
    void oomKilledContainerReportsReasonOOMKilled() {
        Sides<Oom> s = Sides.run(this::scenario);
        Oom expected = new Oom("CONTAINER_EXITED exit 137 reason OOMKilled", true, true);
        assertAll(
                () -> assertEquals(expected, s.ref(), "runc"),
                () -> assertEquals(expected, s.ut(), "rune"),
                () -> assertEquals(s.ref(), s.ut(), "rune differs from runc"));
    }
}
