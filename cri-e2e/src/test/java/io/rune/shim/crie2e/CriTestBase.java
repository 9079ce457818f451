package io.rune.shim.crie2e;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.rune.shim.crie2e.cri.ContainerConfig;
import io.rune.shim.crie2e.cri.ContainerMetadata;
import io.rune.shim.crie2e.cri.ContainerState;
import io.rune.shim.crie2e.cri.ContainerStatus;
import io.rune.shim.crie2e.cri.ContainerStatusRequest;
import io.rune.shim.crie2e.cri.CreateContainerRequest;
import io.rune.shim.crie2e.cri.ExecSyncRequest;
import io.rune.shim.crie2e.cri.ExecSyncResponse;
import io.rune.shim.crie2e.cri.ImageSpec;
import io.rune.shim.crie2e.cri.LinuxContainerConfig;
import io.rune.shim.crie2e.cri.LinuxContainerResources;
import io.rune.shim.crie2e.cri.LinuxContainerSecurityContext;
import io.rune.shim.crie2e.cri.LinuxPodSandboxConfig;
import io.rune.shim.crie2e.cri.LinuxSandboxSecurityContext;
import io.rune.shim.crie2e.cri.NamespaceMode;
import io.rune.shim.crie2e.cri.NamespaceOption;
import io.rune.shim.crie2e.cri.PodSandboxConfig;
import io.rune.shim.crie2e.cri.PodSandboxMetadata;
import io.rune.shim.crie2e.cri.PodSandboxStatusRequest;
import io.rune.shim.crie2e.cri.RemoveContainerRequest;
import io.rune.shim.crie2e.cri.RemovePodSandboxRequest;
import io.rune.shim.crie2e.cri.RunPodSandboxRequest;
import io.rune.shim.crie2e.cri.StartContainerRequest;
import io.rune.shim.crie2e.cri.StopContainerRequest;
import io.rune.shim.crie2e.cri.StopPodSandboxRequest;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the kubelet would do, as helpers for the scenario classes: pods with host networking, a cgroup
 * parent of their own and a log directory; busybox containers; ExecSync; teardown with a check that
 * nothing of the pod is left on the host. Pods a test leaves behind are removed after it.
 */
@ExtendWith(CriContainerd.Extension.class)
abstract class CriTestBase {
    /** A container process that stays up until signalled; exits 143 on SIGTERM (busybox sleep as PID 1 would ignore it). */
    static final List<String> SLEEPER = List.of("/bin/sh", "-c", "trap 'exit 143' TERM; /bin/sleep 1000 & wait");

    protected final CriContainerd ctd;
    private final List<Pod> pods = new ArrayList<>();
    protected final List<String> netnsBefore;

    CriTestBase(CriContainerd ctd) {
        this.ctd = ctd;
        this.netnsBefore = ctd.netnsAtStart();
    }

    static String rand() {
        byte[] b = new byte[3];
        ThreadLocalRandom.current().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** A pod config as the kubelet sends it for a host-network pod (no CNI). */
    Pod newPod(Handler h, String label) {
        String name = h.name() + "-" + label + "-" + rand();
        String uid = "uid-" + name;
        String cgroupParent = ctd.cgroupRoot() + "/pod" + name;
        PodSandboxConfig cfg = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setUid(uid).setNamespace("cri-e2e").setAttempt(0))
                .setLogDirectory(ctd.logRoot().resolve(name).toString())
                .putLabels("cri-e2e", "true")
                .putLabels("io.kubernetes.pod.name", name)
                .setLinux(LinuxPodSandboxConfig.newBuilder()
                        .setCgroupParent("/" + cgroupParent)
                        .setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder()
                                        .setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))))
                .build();
        Pod p = new Pod(h, cfg, cgroupParent);
        pods.add(p);
        return p;
    }

    /** RunPodSandbox with the pod's handler; the sandbox id is stored in the pod. */
    String runPod(Pod pod) {
        pod.id = ctd.runtime().runPodSandbox(RunPodSandboxRequest.newBuilder()
                .setConfig(pod.config).setRuntimeHandler(pod.handler.name()).build()).getPodSandboxId();
        return pod.id;
    }

    /** CreateContainer of a busybox container in the pod; the log goes to {@code <log dir>/<name>.log}. */
    String createContainer(Pod pod, String name, List<String> command, LinuxContainerResources resources) {
        ContainerConfig.Builder c = ContainerConfig.newBuilder()
                .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(0))
                .setImage(ImageSpec.newBuilder().setImage(OciImages.BUSYBOX_REF))
                .addAllCommand(command)
                .setLogPath(name + ".log")
                .putLabels("cri-e2e", "true")
                .setLinux(LinuxContainerConfig.newBuilder()
                        .setResources(resources == null ? LinuxContainerResources.getDefaultInstance() : resources)
                        .setSecurityContext(LinuxContainerSecurityContext.newBuilder()
                                .setNamespaceOptions(NamespaceOption.newBuilder()
                                        .setNetwork(NamespaceMode.NODE).setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD))));
        String id = ctd.runtime().createContainer(CreateContainerRequest.newBuilder()
                .setPodSandboxId(pod.id).setConfig(c).setSandboxConfig(pod.config).build()).getContainerId();
        pod.containers.add(id);
        return id;
    }

    void startContainer(String id) {
        ctd.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    }

    ContainerStatus status(String id) {
        return ctd.runtime().containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }

    ContainerStatus awaitState(String id, ContainerState state, Duration timeout) {
        return Poll.until(timeout, () -> status(id), s -> s.getState() == state);
    }

    io.rune.shim.crie2e.cri.PodSandboxStatus podStatus(String podId) {
        return ctd.runtime().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(podId).build()).getStatus();
    }

    /** ExecSync as the kubelet's probes do; the outcome, or the gRPC error as "ERROR <code>: <description>". */
    Exec execSync(String id, long timeoutSeconds, String... cmd) {
        try {
            ExecSyncResponse r = ctd.runtime().execSync(ExecSyncRequest.newBuilder()
                    .setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(timeoutSeconds).build());
            return new Exec(r.getExitCode(), r.getStdout().toString(StandardCharsets.UTF_8), r.getStderr().toString(StandardCharsets.UTF_8), null);
        } catch (StatusRuntimeException e) {
            return new Exec(-1, "", "", error(e, id));
        }
    }

    /** Result of one ExecSync: exit code, output, or the error (ids replaced by placeholders). */
    record Exec(int exit, String stdout, String stderr, String error) {
        @Override
        public String toString() {
            return error != null ? error : "exit " + exit + (stdout.isEmpty() ? "" : " stdout=" + stdout.replace("\n", "\\n"))
                    + (stderr.isEmpty() ? "" : " stderr=" + stderr.replace("\n", "\\n"));
        }
    }

    /** "ERROR <code>: <description>" with the given ids replaced by {@code <id>}. */
    static String error(Throwable t, String... ids) {
        Status s = Status.fromThrowable(t);
        String d = String.valueOf(s.getDescription());
        for (String id : ids) {
            if (id != null) {
                d = d.replace(id, "<id>");
            }
        }
        return "ERROR " + s.getCode() + ": " + d;
    }

    /** Runs a call; "ok" or its error. */
    static String call(Runnable r, String... ids) {
        try {
            r.run();
            return "ok";
        } catch (StatusRuntimeException e) {
            return error(e, ids);
        }
    }

    static <T> T orNull(Supplier<T> s) {
        try {
            return s.get();
        } catch (StatusRuntimeException e) {
            System.err.println("[cri-e2e] " + e);
            return null;
        }
    }

    String stopContainer(String id, long timeout) {
        return call(() -> ctd.runtime().stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(timeout).build()), id);
    }

    String removeContainer(String id) {
        return call(() -> ctd.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build()), id);
    }

    String stopPod(Pod pod) {
        return call(() -> ctd.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod.id).build()), pod.id);
    }

    String removePod(Pod pod) {
        String r = call(() -> ctd.runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod.id).build()), pod.id);
        pod.removed |= r.equals("ok");
        return r;
    }

    /**
     * StopPodSandbox + RemovePodSandbox (as the kubelet: stop first, then remove; also removes the pod's
     * cgroup parent as the kubelet's cgroup manager does), then waits until nothing of the pod is left.
     */
    Leftovers teardown(Pod pod) {
        if (pod.id != null && !pod.removed) {
            String stop = stopPod(pod);
            String rm = removePod(pod);
            if (!stop.equals("ok") || !rm.equals("ok")) {
                System.err.println("[cri-e2e] " + pod + " teardown: stop " + stop + ", remove " + rm);
            }
        }
        removePodCgroup(pod);
        Leftovers l = Leftovers.awaitClean(ctd, pod, netnsBefore, Duration.ofSeconds(15));
        if (!l.clean()) {
            System.err.println("[cri-e2e] " + pod + " leftovers: " + l);
        }
        pods.remove(pod);
        return l;
    }

    /** Removes the pod-level cgroup dirs (only once they are empty: container dirs below are leftovers). */
    void removePodCgroup(Pod pod) {
        for (Path d : ctd.cgroupDirs()) {
            if (d.getFileName().toString().equals("pod" + pod.name())) {
                d.toFile().delete();
            }
        }
    }

    /** Shim processes of this containerd serving the pod: any with -id the sandbox id or one of its container ids. */
    List<ProcScan.Proc> podShims(Pod pod) {
        return ProcScan.shims(ctd.address()).stream().filter(p -> pod.ids().contains(p.flag("id"))).toList();
    }

    @AfterEach
    void removeLeftoverPods() {
        for (Pod p : List.copyOf(pods)) {
            System.err.println("[cri-e2e] after test: removing " + p);
            teardown(p);
        }
    }
}
