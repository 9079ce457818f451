package io.rune.shim.crie2e;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.rune.shim.crie2e.cri.ImageServiceGrpc;
import io.rune.shim.crie2e.cri.ImageSpec;
import io.rune.shim.crie2e.cri.ImageStatusRequest;
import io.rune.shim.crie2e.cri.ListContainersRequest;
import io.rune.shim.crie2e.cri.ListImagesRequest;
import io.rune.shim.crie2e.cri.ListPodSandboxRequest;
import io.rune.shim.crie2e.cri.RemoveContainerRequest;
import io.rune.shim.crie2e.cri.RemovePodSandboxRequest;
import io.rune.shim.crie2e.cri.RuntimeServiceGrpc;
import io.rune.shim.crie2e.cri.StopPodSandboxRequest;
import io.rune.shim.crie2e.cri.VersionRequest;
import io.rune.shim.testsupport.CloseOnce;
import io.rune.shim.testsupport.Cmd;
import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.ContainerdConfig;
import io.rune.shim.testsupport.ContainerdDaemon;
import io.rune.shim.testsupport.ContainerdVersion;
import io.rune.shim.testsupport.CriTables;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.SharedFixture;
import io.rune.shim.testsupport.StaleShimSockets;
import io.rune.shim.testsupport.SuiteDir;
import io.rune.shim.testsupport.SuiteFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private containerd with its CRI plugin enabled: own root, state, sockets, CNI dirs and opt dir in a
 * short temp dir under /tmp, debug log, handlers {@code runc} (io.containerd.runc.v2) and {@code rune}
 * (io.containerd.rune.v2, runtime options through a CRI options file), the sandbox and busybox images
 * built locally and imported with {@code ctr -n k8s.io image import}. Pods use host networking, so no
 * CNI plugin runs (the CNI dirs stay empty). Reached with grpc-java over the unix socket. Started
 * once per test run by {@link Extension}.
 */
final class CriContainerd implements SuiteFixture {
    static final String NAMESPACE = "k8s.io";
    private static final String TAG = "[cri-e2e]";
    private static final long RPC_SECONDS = 90;

    private final CriConfig config;
    private final SuiteDir dir;
    private final Path base;
    private final ContainerdDaemon daemon;
    private final String cgroupRoot;
    private final List<String> netnsAtStart = Leftovers.netnsEntries();
    private final CloseOnce once = CloseOnce.withShutdownHook("cri-e2e-cleanup", this::close);
    private final StaleShimSockets sockets = StaleShimSockets.snapshot();
    private ManagedChannel channel;

    private CriContainerd(CriConfig config, SuiteDir dir) {
        this.config = config;
        this.dir = dir;
        this.base = dir.path();
        this.daemon = new ContainerdDaemon(TAG, base, config.bin(), config.containerd(),
                ContainerdConfig.withCri(criTables(base, config.containerd().version())));
        this.cgroupRoot = "crie2e-" + base.getFileName().toString().replaceAll("[^A-Za-z0-9]", "");
    }

    static CriContainerd start(CriConfig config) throws IOException {
        CriContainerd c = new CriContainerd(config, SuiteDir.create("crie2e-", TAG));
        return SuiteFixture.bootOrClose(c, c::boot, "private containerd (CRI)");
    }

    /**
     * The CRI plugin's tables for the containerd release under test: sandbox image, the two handlers,
     * CNI dirs (empty: host networking only). See {@link CriTables}.
     */
    private static String criTables(Path base, ContainerdVersion version) {
        CriTables t = new CriTables(base, OciImages.PAUSE_REF,
                List.of(new CriTables.RuntimeEntry(Handler.RUNC.name(), Handler.RUNC.runtimeType(), ""),
                        new CriTables.RuntimeEntry(Handler.RUNE.name(), Handler.RUNE.runtimeType(), base.resolve("rune-options.toml").toString())));
        return version.atLeast2() ? t.version3(version) : t.version2();
    }

    private void boot() throws IOException {
        for (Handler h : List.of(Handler.RUNC, Handler.RUNE)) {
            if (resolve(h.binaryName()) == null) {
                throw new IllegalStateException(h + ": " + h.binaryName() + " not found in " + config.bin() + " or the system PATH");
            }
        }
        List<Path> images = OciImages.build(Files.createDirectories(base.resolve("images")));
        for (String d : List.of("cni/bin", "cni/net.d", "opt", "logs")) {
            Files.createDirectories(base.resolve(d));
        }
        Files.writeString(base.resolve("rune-options.toml"), """
                # runtime options of the rune handler, handed to the shim as CRI runtimeoptions.v1.Options{config_path}
                BinaryName = "rune"
                Root = "%s"
                """.formatted(Handler.RUNE.stateRoot()));
        daemon.start();
        connect();
        for (Path tar : images) {
            CmdResult r = ctr("image", "import", tar.toString());
            if (!r.ok()) {
                throw new IllegalStateException("image import failed: " + r);
            }
        }
        for (String ref : List.of(OciImages.BUSYBOX_REF, OciImages.PAUSE_REF)) {
            boolean seen = Poll.until(Duration.ofSeconds(20), () -> images().imageStatus(ImageStatusRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(ref)).build()).hasImage(), b -> b);
            if (!seen) {
                throw new IllegalStateException("CRI does not see imported image " + ref);
            }
        }
        List<String> tags = images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList().stream()
                .flatMap(i -> i.getRepoTagsList().stream()).toList();
        if (!tags.containsAll(List.of(OciImages.BUSYBOX_REF, OciImages.PAUSE_REF))) {
            throw new IllegalStateException("CRI ListImages lacks the imported images: " + tags);
        }
        System.err.printf("[cri-e2e] private %s with CRI up: base %s, %s -> %s, %s -> %s%n", config.containerd(), base,
                Handler.RUNC, resolve(Handler.RUNC.binaryName()), Handler.RUNE, resolve(Handler.RUNE.binaryName()));
    }

    /** Opens the gRPC channel and waits up to 30 s for the CRI runtime service to answer. */
    private void connect() {
        channel = Grpc.newChannelBuilder("unix://" + address(), InsecureChannelCredentials.create()).build();
        // the CRI service registers with the gRPC server a little after the socket is up
        String err = null;
        for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); System.nanoTime() < end; Poll.sleep(Duration.ofMillis(200))) {
            try {
                runtime().version(VersionRequest.newBuilder().setVersion("v1").build());
                return;
            } catch (RuntimeException e) {
                err = e.toString();
            }
        }
        throw new IllegalStateException("CRI runtime.v1 Version did not answer: " + err);
    }

    private void disconnect() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    /**
     * Restarts containerd with the same config, as an operator would: SIGTERM, wait, start again. Shims
     * and containers keep running; a new gRPC channel is opened.
     */
    synchronized void restart() throws IOException {
        if (once.closed()) {
            throw new IllegalStateException("already closed");
        }
        disconnect();
        daemon.restart();
        connect();
        System.err.println("[cri-e2e] private containerd restarted");
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_SECONDS, TimeUnit.SECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_SECONDS, TimeUnit.SECONDS);
    }

    CmdResult ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of(config.containerd().ctr().toString(), "--address", address().toString(), "--namespace", NAMESPACE));
        argv.addAll(List.of(args));
        return Cmd.run(Duration.ofSeconds(60), argv);
    }

    Path base() {
        return base;
    }

    Path address() {
        return daemon.address();
    }

    /** /var/run/netns entries before the suite started. */
    List<String> netnsAtStart() {
        return netnsAtStart;
    }

    /** Top cgroup (relative to each hierarchy root) under which the suite puts its pods. */
    String cgroupRoot() {
        return cgroupRoot;
    }

    Path logRoot() {
        return base.resolve("logs");
    }

    /** {@code <state>/io.containerd.runtime.v2.task/k8s.io/<id>}. */
    Path bundleDir(String id) {
        return base.resolve("state/io.containerd.runtime.v2.task").resolve(NAMESPACE).resolve(id);
    }

    Path resolve(String binary) {
        return daemon.resolve(binary);
    }

    @Override
    public String logTail(int lines) {
        return daemon.logTail(lines);
    }

    /** containerd.log lines containing every one of the given strings. */
    List<String> logLines(String... having) {
        return daemon.logLines(having);
    }

    /** Removes every pod and container through CRI (best effort, never throws). */
    void removeAllPods() {
        try {
            for (var c : runtime().listContainers(ListContainersRequest.getDefaultInstance()).getContainersList()) {
                try {
                    runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(c.getId()).build());
                } catch (RuntimeException e) {
                    System.err.println("[cri-e2e] cleanup: remove container " + c.getId() + ": " + e);
                }
            }
            for (var p : runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
                try {
                    runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
                    runtime().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(p.getId()).build());
                } catch (RuntimeException e) {
                    System.err.println("[cri-e2e] cleanup: remove pod " + p.getId() + ": " + e);
                }
            }
        } catch (RuntimeException e) {
            System.err.println("[cri-e2e] cleanup: " + e);
        }
    }

    @Override
    public synchronized void close() {
        if (!once.claim()) {
            return;
        }
        if (daemon.alive() && channel != null) {
            removeAllPods();
            if (ctr("image", "ls", "-q").ok()) {
                for (String ref : List.of(OciImages.BUSYBOX_REF, OciImages.PAUSE_REF)) {
                    ctr("image", "rm", ref);
                }
            }
        }
        daemon.killLeftoverShims();
        disconnect();
        daemon.stop();
        sockets.removeNew(TAG);
        removeCgroupRoot();
        // the rune handler's private state root (see Handler.RUNE), once empty
        Handler.RUNE.stateRoot().resolve(NAMESPACE).toFile().delete();
        Handler.RUNE.stateRoot().toFile().delete();
        dir.dispose(config.keep(), config.logDir(), Set.of("containerd.log", "config.toml", "rune-options.toml")::contains);
    }

    /** Cgroup dirs under {@link #cgroupRoot()} in every hierarchy, deepest first. */
    List<Path> cgroupDirs() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/sys/fs/cgroup"))) {
            for (Path ctl : ds) {
                Path root = ctl.resolve(cgroupRoot);
                if (Files.isDirectory(root) && !Files.isSymbolicLink(ctl)) {
                    try (Stream<Path> s = Files.walk(root)) {
                        s.filter(Files::isDirectory).forEach(out::add);
                    }
                }
            }
        } catch (IOException | UncheckedIOException e) {
            // no cgroup fs or removed meanwhile
        }
        out.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return out;
    }

    private void removeCgroupRoot() {
        for (Path d : cgroupDirs()) {
            if (!d.toFile().delete()) {
                System.err.println("[cri-e2e] cleanup: cannot remove cgroup " + d);
            }
        }
    }

    /** Mount points under the base dir (rootfs, shm, ...). */
    List<String> mountsUnderBase() {
        return dir.mountsBelow();
    }

    /** Shares one {@link CriContainerd} across every test class of the run; see {@link SharedFixture}. */
    static final class Extension extends SharedFixture<CriContainerd> {
        Extension() {
            super(CriContainerd.class, TAG, () -> start(CriConfig.fromSystemProperties()));
        }
    }
}
