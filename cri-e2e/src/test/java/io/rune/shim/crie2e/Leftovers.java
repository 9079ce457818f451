package io.rune.shim.crie2e;

import io.rune.shim.crie2e.cri.ListContainersRequest;
import io.rune.shim.crie2e.cri.ListPodSandboxRequest;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import io.rune.shim.testsupport.ShimSocket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What remains on the host of one pod after StopPodSandbox + RemovePodSandbox (each entry names what
 * and where; empty lists = clean).
 *
 * @param listed   the pod or its containers still listed by CRI
 * @param shims    shim processes with {@code -address <our sock>} and {@code -id} of the sandbox or a container
 * @param files    shim sockets ({@code /run/containerd/s/<sha256(sock/k8s.io/<id>)>}), task bundles, runtime
 *                 state dirs, CRI sandbox/container dirs, still present
 * @param mounts   mount points naming the sandbox or a container id
 * @param cgroups  cgroup dirs left under the pod's cgroup parent (the parent itself is the kubelet's and is removed by the test)
 * @param netns    network namespaces named in CRI's sandbox dirs or /var/run/netns entries that appeared
 */
record Leftovers(List<String> listed, List<String> shims, List<String> files, List<String> mounts, List<String> cgroups,
                 List<String> netns) {
    boolean clean() {
        return listed.isEmpty() && shims.isEmpty() && files.isEmpty() && mounts.isEmpty() && cgroups.isEmpty() && netns.isEmpty();
    }

    static Leftovers scan(CriContainerd ctd, Pod pod, List<String> netnsBefore) {
        List<String> listed = new ArrayList<>();
        try {
            ctd.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList().stream()
                    .filter(p -> p.getId().equals(pod.id)).forEach(p -> listed.add("pod " + p.getId() + " " + p.getState()));
            ctd.runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList().stream()
                    .filter(c -> c.getPodSandboxId().equals(pod.id) || pod.containers.contains(c.getId()))
                    .forEach(c -> listed.add("container " + c.getId() + " " + c.getState()));
        } catch (RuntimeException e) {
            listed.add("cannot list: " + e);
        }
        List<String> shims = new ArrayList<>();
        List<String> files = new ArrayList<>();
        List<String> mounts = new ArrayList<>();
        List<String> cgroups = new ArrayList<>();
        List<String> mountinfo;
        try {
            mountinfo = Files.readAllLines(Path.of("/proc/self/mountinfo"));
        } catch (IOException e) {
            mountinfo = List.of("unreadable mountinfo " + e);
        }
        for (String id : pod.ids()) {
            ProcScan.shims(ctd.address(), id).forEach(p -> shims.add(p.toString()));
            List<Path> paths = List.of(pod.handler.shimSocket(ctd.address(), id), ctd.bundleDir(id),
                    pod.handler.stateRoot().resolve(CriContainerd.NAMESPACE).resolve(id),
                    ctd.base().resolve("root/io.containerd.runtime.v2.task").resolve(CriContainerd.NAMESPACE).resolve(id),
                    ctd.base().resolve("state/io.containerd.grpc.v1.cri/sandboxes").resolve(id),
                    ctd.base().resolve("root/io.containerd.grpc.v1.cri/sandboxes").resolve(id),
                    ctd.base().resolve("state/io.containerd.grpc.v1.cri/containers").resolve(id),
                    ctd.base().resolve("root/io.containerd.grpc.v1.cri/containers").resolve(id));
            for (Path p : paths) {
                if (Files.exists(p)) {
                    files.add(p.toString());
                }
            }
            for (String line : mountinfo) {
                if (line.contains(id)) {
                    mounts.add(line.split(" ").length > 4 ? line.split(" ")[4] : line);
                }
            }
        }
        for (Path d : ctd.cgroupDirs()) {
            if (d.toString().contains("/" + pod.cgroupParent + "/")) {
                cgroups.add(d.toString());
            }
        }
        List<String> netns = new ArrayList<>(netnsEntries());
        netns.removeAll(netnsBefore);
        return new Leftovers(listed, shims, files, mounts, cgroups, netns);
    }

    /** Entries of /var/run/netns (where containerd 1.6 pins pod network namespaces). */
    static List<String> netnsEntries() {
        Path dir = Path.of("/var/run/netns");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(Path::toString).sorted().toList();
        } catch (IOException e) {
            return List.of("unreadable " + dir + ": " + e);
        }
    }

    static Leftovers awaitClean(CriContainerd ctd, Pod pod, List<String> netnsBefore, Duration timeout) {
        return Poll.until(timeout, () -> scan(ctd, pod, netnsBefore), Leftovers::clean);
    }

}
