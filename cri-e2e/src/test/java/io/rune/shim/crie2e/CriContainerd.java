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
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A private containerd with its CRI plugin enabled: own root, state, sockets, CNI dirs and opt dir in a
 * short temp dir under /tmp, debug log, handlers {@code runc} (io.containerd.runc.v2) and {@code rune}
 * (io.containerd.rune.v2, runtime options through a CRI options file), the sandbox and busybox images
 * built locally and imported with {@code ctr -n k8s.io image import}. Pods use host networking, so no
 * CNI plugin runs (the CNI dirs stay empty). Reached with grpc-java over the unix socket. Started
 * once per test run by {@link Extension}.
 */
final class CriContainerd implements AutoCloseable {
    static final String NAMESPACE = "k8s.io";
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final long RPC_SECONDS = 90;

    private final CriConfig config;
    private final Path base;
    private final Path address;
    private final Path log;
    private final String cgroupRoot;
    private final List<String> netnsAtStart = Leftovers.netnsEntries();
    private Process process;
    private ManagedChannel channel;
    private boolean closed;
    private Thread hook;

    private CriContainerd(CriConfig config, Path base) {
        this.config = config;
        this.base = base;
        this.address = base.resolve("c.sock");
        this.log = base.resolve("containerd.log");
        this.cgroupRoot = "crie2e-" + base.getFileName().toString().replaceAll("[^A-Za-z0-9]", "");
    }

    static CriContainerd start(CriConfig config) throws IOException {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "crie2e-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        CriContainerd c = new CriContainerd(config, base);
        c.hook = new Thread(c::close, "cri-e2e-cleanup");
        Runtime.getRuntime().addShutdownHook(c.hook);
        try {
            c.boot();
            return c;
        } catch (IOException | RuntimeException e) {
            String tail = c.logTail(40);
            c.close();
            throw new IllegalStateException("private containerd (CRI) did not start: " + e.getMessage()
                    + "\n--- containerd.log tail ---\n" + tail, e);
        }
    }

    private void boot() throws IOException {
        if (address.toString().length() + ".ttrpc".length() >= 100) {
            throw new IllegalStateException("socket path too long: " + address);
        }
        for (Handler h : List.of(Handler.RUNC, Handler.RUNE)) {
            if (resolve(h.binaryName()) == null) {
                throw new IllegalStateException(h + ": " + h.binaryName() + " not found in " + containerdPath());
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
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        Files.writeString(base.resolve("config.toml"), """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"

                [grpc]
                  address = "%2$s"

                [ttrpc]
                  address = "%2$s.ttrpc"

                [debug]
                  level = "debug"

                [plugins."io.containerd.internal.v1.opt"]
                  path = "%1$s/opt"

                [%3$s]
                  sandbox_image = "%4$s"
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                  enable_selinux = false
                  # this machine refuses to lower oom_score_adj (EPERM even for root); the kubelet's
                  # -998 for sandboxes is then clamped to containerd's own value
                  restrict_oom_score_adj = true

                [%3$s.containerd]
                  snapshotter = "overlayfs"
                  default_runtime_name = "runc"

                [%3$s.containerd.runtimes.runc]
                  runtime_type = "%5$s"

                [%3$s.containerd.runtimes.rune]
                  runtime_type = "%6$s"

                [%3$s.containerd.runtimes.rune.options]
                  ConfigPath = "%1$s/rune-options.toml"

                [%3$s.cni]
                  bin_dir = "%1$s/cni/bin"
                  conf_dir = "%1$s/cni/net.d"
                """.formatted(base, address, cri, OciImages.PAUSE_REF, Handler.RUNC.runtimeType(), Handler.RUNE.runtimeType()));
        startContainerd();
        for (Path tar : images) {
            Cmd.Result r = ctr("image", "import", tar.toString());
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
        System.err.printf("[cri-e2e] private containerd with CRI up: base %s, %s -> %s, %s -> %s%n", base,
                Handler.RUNC, resolve(Handler.RUNC.binaryName()), Handler.RUNE, resolve(Handler.RUNE.binaryName()));
    }

    private void startContainerd() throws IOException {
        List<String> argv = new ArrayList<>();
        // tini -s: a subreaper above containerd, so orphaned shims and container processes are reaped.
        if (Files.isExecutable(Path.of("/usr/bin/tini"))) {
            argv.addAll(List.of("/usr/bin/tini", "-s", "--"));
        }
        argv.addAll(List.of("containerd", "--config", base.resolve("config.toml").toString()));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(base.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PATH", containerdPath());
        pb.environment().remove("NOTIFY_SOCKET");
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("containerd exited with " + process.exitValue());
            }
            if (Files.exists(address) && ctr("version").ok()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("containerd socket " + address + " did not come up");
            }
            Poll.sleep(Duration.ofMillis(100));
        }
        channel = Grpc.newChannelBuilder("unix://" + address, InsecureChannelCredentials.create()).build();
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

    /**
     * Restarts containerd with the same config, as an operator would: SIGTERM, wait, start again. Shims
     * and containers keep running; a new gRPC channel is opened.
     */
    synchronized void restart() throws IOException {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        stopContainerd();
        if (process.isAlive()) {
            throw new IllegalStateException("containerd did not stop");
        }
        startContainerd();
        System.err.println("[cri-e2e] private containerd restarted");
    }

    RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
        return RuntimeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_SECONDS, TimeUnit.SECONDS);
    }

    ImageServiceGrpc.ImageServiceBlockingStub images() {
        return ImageServiceGrpc.newBlockingStub(channel).withDeadlineAfter(RPC_SECONDS, TimeUnit.SECONDS);
    }

    Cmd.Result ctr(String... args) {
        List<String> argv = new ArrayList<>(List.of("ctr", "--address", address.toString(), "--namespace", NAMESPACE));
        argv.addAll(List.of(args));
        return Cmd.run(Duration.ofSeconds(60), argv);
    }

    Path base() {
        return base;
    }

    Path address() {
        return address;
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

    private String containerdPath() {
        return config.bin() + ":" + SYSTEM_PATH;
    }

    Path resolve(String binary) {
        for (String dir : containerdPath().split(":")) {
            Path p = Path.of(dir, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** The last lines of containerd.log, without the "event published" chatter. */
    String logTail(int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no containerd.log)";
            }
            List<String> all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.contains("msg=\"event published\"")).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** containerd.log lines containing every one of the given strings. */
    List<String> logLines(String... having) {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(l -> Stream.of(having).allMatch(l::contains)).toList();
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e + ")");
        }
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
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (hook != null && Thread.currentThread() != hook) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        if (process != null && process.isAlive() && channel != null) {
            removeAllPods();
            if (ctr("image", "ls", "-q").ok()) {
                for (String ref : List.of(OciImages.BUSYBOX_REF, OciImages.PAUSE_REF)) {
                    ctr("image", "rm", ref);
                }
            }
        }
        Poll.until(Duration.ofSeconds(5), () -> ProcScan.shims(address), List::isEmpty);
        for (ProcScan.Proc p : ProcScan.shims(address)) {
            System.err.println("[cri-e2e] cleanup: killing leftover shim " + p);
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        stopContainerd();
        removeCgroupRoot();
        unmountUnderBase();
        // the rune handler's private state root (see Handler.RUNE), once empty
        Handler.RUNE.stateRoot().resolve(NAMESPACE).toFile().delete();
        Handler.RUNE.stateRoot().toFile().delete();
        copyLogs();
        if (config.keep()) {
            System.err.println("[cri-e2e] e2e.keep set: left " + base);
        } else {
            deleteTree(base);
        }
    }

    private void stopContainerd() {
        if (process == null) {
            return;
        }
        if (channel != null) {
            channel.shutdownNow();
        }
        List<ProcessHandle> tree = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        process.destroy(); // SIGTERM (tini forwards it)
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                System.err.println("[cri-e2e] containerd did not stop on SIGTERM; SIGKILL");
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle h : tree) {
            if (h.isAlive() && h.info().command().map(c -> c.endsWith("/containerd")).orElse(false)) {
                h.destroyForcibly();
            }
        }
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
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && f[4].startsWith(base + "/")) {
                    out.add(f[4]);
                }
            }
        } catch (IOException e) {
            out.add("unreadable: " + e);
        }
        return out;
    }

    private void unmountUnderBase() {
        List<String> mounts = new ArrayList<>(mountsUnderBase());
        mounts.sort(Comparator.comparingInt(String::length).reversed());
        for (String m : mounts) {
            System.err.println("[cri-e2e] cleanup: unmounting leftover " + m);
            Cmd.run(Duration.ofSeconds(10), List.of("umount", "-l", m));
        }
    }

    private void copyLogs() {
        try {
            Files.createDirectories(config.logDir());
            for (String name : List.of("containerd.log", "config.toml", "rune-options.toml")) {
                Path src = base.resolve(name);
                if (Files.exists(src)) {
                    Files.copy(src, config.logDir().resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[cri-e2e] cannot copy logs: " + e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.err.println("[cri-e2e] cannot delete " + p + ": " + e);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("[cri-e2e] cannot delete " + dir + ": " + e);
        }
    }

    /**
     * JUnit 5 extension: one {@link CriContainerd} for every test class of the run (root store, closed
     * when the run ends), injected as a constructor parameter; prints the containerd log tail on failure.
     */
    static final class Extension implements ParameterResolver, TestWatcher {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(CriContainerd.class);

        private record Holder(CriContainerd instance, RuntimeException failure) implements AutoCloseable {
            @Override
            public void close() {
                if (instance != null) {
                    instance.close();
                }
            }
        }

        static CriContainerd get(ExtensionContext context) {
            Holder h = context.getRoot().getStore(NS).getOrComputeIfAbsent(Holder.class, k -> {
                try {
                    return new Holder(CriContainerd.start(CriConfig.fromSystemProperties()), null);
                } catch (IOException e) {
                    return new Holder(null, new UncheckedIOException(e));
                } catch (RuntimeException e) {
                    return new Holder(null, e);
                }
            }, Holder.class);
            if (h.failure() != null) {
                throw h.failure();
            }
            return h.instance();
        }

        @Override
        public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
            return pc.getParameter().getType() == CriContainerd.class;
        }

        @Override
        public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
            return get(ec);
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            Holder h = context.getRoot().getStore(NS).get(Holder.class, Holder.class);
            if (h != null && h.instance() != null) {
                System.err.println("[cri-e2e] " + context.getDisplayName() + " failed; containerd.log tail:\n"
                        + h.instance().logTail(60) + "\n[cri-e2e] --- end of containerd.log tail ---");
            }
        }
    }
}
