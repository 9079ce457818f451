package io.rune.shim.crie2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rune.shim.crie2e.cri.ListContainersRequest;
import io.rune.shim.crie2e.cri.ListPodSandboxRequest;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other class (class order by {@link Order}): once the scenarios are done, nothing of
 * them is left: no pods or containers known to CRI, no shim of this containerd, no mounts under its
 * dirs, no cgroups below the suite's cgroup root, no new network namespace, nothing in the CNI dirs.
 */
@Order(Integer.MAX_VALUE)
class SuiteLeftoversTest extends CriTestBase {

    SuiteLeftoversTest(CriContainerd ctd) {
        super(ctd);
    }

    private static List<String> files(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(p -> !p.equals(dir)).map(Path::toString).toList();
        } catch (IOException e) {
            return List.of("unreadable: " + e);
        }
    }

    @Test
    void nothingOfTheSuiteIsLeft() {
        assertAll(
                () -> assertEquals(List.of(), ctd.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()
                        .stream().map(p -> p.getMetadata().getName() + " " + p.getState()).toList(), "pods"),
                () -> assertEquals(List.of(), ctd.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()
                        .stream().map(c -> c.getMetadata().getName() + " " + c.getState()).toList(), "containers"),
                // a shim told to shut down may take a few seconds to drain its events and exit
                () -> assertEquals(List.of(), Poll.until(java.time.Duration.ofSeconds(10), () -> ProcScan.shims(ctd.address()), List::isEmpty),
                        "shim processes of this containerd"),
                () -> assertEquals(List.of(), ctd.mountsUnderBase(), "mounts under the private containerd's dir"),
                () -> assertEquals(List.of(), ctd.cgroupDirs().stream().map(Path::toString)
                        .filter(d -> !d.endsWith("/" + ctd.cgroupRoot())).toList(), "cgroups below the suite's cgroup root"),
                () -> assertEquals(List.of(), Leftovers.netnsEntries().stream().filter(n -> !netnsBefore.contains(n)).toList(), "new netns"),
                () -> assertEquals(List.of(), files(ctd.base().resolve("cni")).stream().filter(f -> !f.endsWith("/bin") && !f.endsWith("/net.d")).toList(),
                        "CNI dirs"));
    }
}
