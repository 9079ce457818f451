package io.rune.shim.crie2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rune.shim.crie2e.cri.ContainerState;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two containers in one pod: containerd's CRI plugin groups them into the sandbox's shim through the
 * {@code io.kubernetes.cri.sandbox-id} annotation, so exactly one shim daemon serves the pod (the one
 * started for the sandbox: {@code -address <sock> -id <sandbox id>}) on the socket derived from the
 * sandbox id. The first container can be stopped and removed while the second keeps running in the
 * same shim; when the pod is removed the shim exits.
 */
class SharedShimTest extends CriTestBase {

    SharedShimTest(CriContainerd ctd) {
        super(ctd);
    }

    /**
     * @param running       states of container a and b after both started
     * @param shims         shim processes of this containerd whose -id is the sandbox or a container
     * @param shimIsSandbox the single shim's -id is the sandbox id
     * @param addresses     the {@code address} files of sandbox, a and b: "same" when all name the sandbox's socket, else their contents
     * @param execs         ExecSync echo in a and in b
     * @param removeA       StopContainer + RemoveContainer of a
     * @param afterA        b's state and an ExecSync in b after a is gone
     * @param sameShim      still exactly one shim, the same pid
     * @param teardown      StopPodSandbox, RemovePodSandbox
     * @param shimsAfter    shim processes of the pod after removal
     * @param clean         nothing of the pod left
     */
    record Shared(String running, int shims, boolean shimIsSandbox, String addresses, String execs, String removeA, String afterA,
                  boolean sameShim, String teardown, int shimsAfter, boolean clean) {}

    private String address(String id) {
        try {
            return io.rune.shim.testsupport.ShimEndpoint.of(ctd.bundleDir(id)).address();
        } catch (IOException e) {
            return "unreadable: " + e.getClass().getSimpleName();
        }
    }

    private Shared scenario(Handler h) {
        Pod pod = newPod(h, "two");
        runPod(pod);
        String a = createContainer(pod, "a", SLEEPER, null);
        String b = createContainer(pod, "b", SLEEPER, null);
        startContainer(a);
        startContainer(b);
        String running = awaitState(a, ContainerState.CONTAINER_RUNNING, Duration.ofSeconds(10)).getState() + " "
                + awaitState(b, ContainerState.CONTAINER_RUNNING, Duration.ofSeconds(10)).getState();
        // the start processes of a and b exit right after handing over: wait for the steady state
        List<ProcScan.Proc> shims = Poll.until(Duration.ofSeconds(5), () -> podShims(pod), l -> l.size() <= 1);
        boolean shimIsSandbox = shims.size() == 1 && pod.id.equals(shims.get(0).flag("id"));
        String expectedAddress = "unix://" + pod.handler.shimSocket(ctd.address(), pod.id);
        List<String> addrs = List.of(address(pod.id), address(a), address(b));
        String addresses = addrs.stream().allMatch(expectedAddress::equals) ? "same" : addrs.toString();
        String execs = execSync(a, 10, "/bin/echo", "in-a") + ", " + execSync(b, 10, "/bin/echo", "in-b");
        String removeA = stopContainer(a, 10) + ", " + removeContainer(a);
        Poll.sleep(Duration.ofMillis(500));
        String afterA = status(b).getState() + ", " + execSync(b, 10, "/bin/echo", "still");
        List<ProcScan.Proc> shimsNow = podShims(pod);
        boolean sameShim = shims.size() == 1 && shimsNow.size() == 1 && shims.get(0).pid() == shimsNow.get(0).pid();
        String teardown = stopPod(pod) + ", " + removePod(pod);
        int shimsAfter = Poll.until(Duration.ofSeconds(15), () -> podShims(pod).size(), n -> n == 0);
        Leftovers left = teardown(pod);
        Shared s = new Shared(running, shims.size(), shimIsSandbox, addresses, execs, removeA, afterA, sameShim, teardown,
                shimsAfter, left.clean());
        System.err.println("[cri-e2e] " + h + ": shims " + shims + " -> " + s + (left.clean() ? "" : "\n  leftovers " + left));
        return s;
    }

    @Test
    void twoContainersOfAPodShareTheSandboxShim() {
        Sides<Shared> s = Sides.run(this::scenario);
        Shared expected = new Shared("CONTAINER_RUNNING CONTAINER_RUNNING", 1, true, "same",
                "exit 0 stdout=in-a\\n, exit 0 stdout=in-b\\n", "ok, ok", "CONTAINER_RUNNING, exit 0 stdout=still\\n", true,
                "ok, ok", 0, true);
        assertAll(
                () -> assertEquals(expected, s.ref(), "runc"),
                () -> assertEquals(expected, s.ut(), "rune"),
                () -> assertEquals(s.ref(), s.ut(), "rune differs from runc"));
    }
}
