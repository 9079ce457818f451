package io.rune.shim.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A private containerd (own root, state and sockets in a short temp dir under /tmp, CRI off, debug
 * log) with a busybox rootfs and a running {@code ctr events} subscriber. Started once per test run
 * by {@link Extension} and torn down when the run ends (also from a shutdown hook).
 */
public final class PrivateContainerd implements AutoCloseable {
    public static final String NAMESPACE = "e2e";
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private final E2eConfig config;
    private final Path base;
    private final Path address;
    private final Path rootfs;
    private final Path log;
    private final Map<String, ShimRuntime> ids = new ConcurrentHashMap<>();
    private Process process;
    private Ctr ctr;
    private EventStream events;
    private boolean closed;
    private int starts;
    private Thread hook;

    private PrivateContainerd(E2eConfig config, Path base) {
        this.config = config;
        this.base = base;
        this.address = base.resolve("c.sock");
        this.rootfs = base.resolve("rootfs");
        this.log = base.resolve("containerd.log");
    }

    public static PrivateContainerd start(E2eConfig config) throws IOException {
        Path base = Files.createTempDirectory(Path.of("/tmp"), "e2e-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        PrivateContainerd c = new PrivateContainerd(config, base);
        c.hook = new Thread(c::close, "e2e-containerd-cleanup");
        Runtime.getRuntime().addShutdownHook(c.hook);
        try {
            c.boot();
            return c;
        } catch (IOException | RuntimeException e) {
            String tail = c.logTail(40);
            c.close();
            throw new IllegalStateException("private containerd did not start: " + e.getMessage()
                    + "\n--- containerd.log tail ---\n" + tail, e);
        }
    }

    private void boot() throws IOException {
        if (address.toString().length() + ".ttrpc".length() >= 108) {
            throw new IllegalStateException("socket path too long: " + address);
        }
        for (ShimRuntime rt : List.of(config.underTest(), config.referenceRuntime())) {
            if (resolveShim(rt) == null) {
                throw new IllegalStateException(rt + ": " + rt.binaryName() + " not found in " + containerdPath());
            }
        }
        BusyboxRootfs.build(rootfs);
        Files.createDirectories(base.resolve("fifo"));
        Files.writeString(base.resolve("config.toml"), """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]

                [grpc]
                  address = "%2$s"

                [ttrpc]
                  address = "%2$s.ttrpc"

                [debug]
                  level = "debug"
                """.formatted(base, address));
        ctr = new Ctr(address, NAMESPACE, rootfs, base.resolve("fifo"));
        startContainerd();
        System.err.printf("[e2e] private containerd up: base %s, runtime under test %s (%s), reference %s, bin %s%n",
                base, config.runtime(), resolveShim(config.underTest()), config.reference(), config.bin());
    }

    /** Starts containerd (appending to containerd.log), waits for its socket and subscribes to events. */
    private void startContainerd() throws IOException {
        List<String> argv = new ArrayList<>();
        // tini -s: a subreaper above containerd, so orphaned shims and container processes are reaped promptly.
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
            if (Files.exists(address) && ctr.exec(Duration.ofSeconds(5), List.of("version")).ok()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("containerd socket " + address + " did not come up");
            }
            Poll.sleep(Duration.ofMillis(100));
        }
        String suffix = starts == 0 ? "" : "." + starts;
        starts++;
        events = EventStream.start(ctr, base.resolve("events" + suffix + ".log"), base.resolve("events" + suffix + ".err"));
    }

    /**
     * Restarts containerd with the same config, as an operator would: SIGTERM, wait for the exit, start
     * again. Shims and containers keep running. The event subscription is replaced: take {@link #events()}
     * afresh afterwards (events published while containerd was down are not seen).
     */
    public synchronized void restart() throws IOException {
        if (closed) {
            throw new IllegalStateException("already closed");
        }
        events.close();
        stopContainerd();
        if (process.isAlive()) {
            throw new IllegalStateException("containerd did not stop");
        }
        startContainerd();
        System.err.println("[e2e] private containerd restarted");
    }

    private String containerdPath() {
        return config.bin() + ":" + SYSTEM_PATH;
    }

    /** Where containerd will find the shim binary for this runtime (PATH lookup), or null. */
    public Path resolveShim(ShimRuntime rt) {
        for (String dir : containerdPath().split(":")) {
            Path p = Path.of(dir, rt.binaryName());
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    public E2eConfig config() {
        return config;
    }

    public Ctr ctr() {
        return ctr;
    }

    public synchronized EventStream events() {
        return events;
    }

    public Path address() {
        return address;
    }

    public String namespace() {
        return NAMESPACE;
    }

    public Path base() {
        return base;
    }

    public Path bundleDir(String id) {
        return base.resolve("state/io.containerd.runtime.v2.task").resolve(NAMESPACE).resolve(id);
    }

    /** Every container id handed out in this run, with its runtime. */
    public Map<String, ShimRuntime> registered() {
        return Map.copyOf(ids);
    }

    /** Remembers an id so that the final sweep can clean up after it even when a test did not. */
    public void register(ShimRuntime rt, String id) {
        ids.put(id, rt);
    }

    /** The last lines of containerd.log, without the debug "event published" chatter. */
    public String logTail(int lines) {
        try {
            if (!Files.exists(log)) {
                return "(no containerd.log)";
            }
            List<String> all = new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8).lines().filter(l -> !l.contains("msg=\"event published\"")).toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** Force-removes one container of ours and anything it left behind. Never throws. */
    public void forceRemove(ShimRuntime rt, String id) {
        forceRemove(rt, id, true);
    }

    private void forceRemove(ShimRuntime rt, String id, boolean viaCtr) {
        try {
            if (viaCtr && ctr != null && process != null && process.isAlive()) {
                ctr.removeQuietly(id);
            }
            for (long pid : ProcScan.shimPids(address, id)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (Path root : new java.util.LinkedHashSet<>(List.of(rt.stateRoot(), config.underTest().stateRoot(), config.referenceStateRoot()))) {
                if (Files.exists(root.resolve(NAMESPACE).resolve(id))) {
                    Cmd.run(Duration.ofSeconds(10), List.of("runc", "--root", root.resolve(NAMESPACE).toString(), "delete", "--force", id));
                }
            }
            Files.deleteIfExists(Leftovers.shimSocket(address, NAMESPACE, id));
            for (String cg : Leftovers.scan(this, rt, id).cgroupDirs()) {
                new File(cg).delete();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[e2e] cleanup of " + id + ": " + e);
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
        try {
            if (ctr != null && process != null && process.isAlive()) {
                for (String id : ctr.listQuiet("task")) {
                    ctr.exec(Duration.ofSeconds(20), List.of("task", "rm", "-f", id));
                }
                for (String id : ctr.listQuiet("container")) {
                    ctr.exec(Duration.ofSeconds(20), List.of("container", "rm", id));
                }
            }
            Poll.until(Duration.ofSeconds(5), () -> ProcScan.allShims(address), List::isEmpty);
            for (ProcScan.Proc p : ProcScan.allShims(address)) {
                System.err.println("[e2e] cleanup: killing leftover shim " + p);
                ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
            }
            ids.forEach((id, rt) -> forceRemove(rt, id, false));
            try (var ds = Files.newDirectoryStream(Path.of("/sys/fs/cgroup"))) {
                for (Path ctl : ds) {
                    ctl.resolve(NAMESPACE).toFile().delete(); // the namespace level cgroup, only if empty
                }
            } catch (IOException ignored) {
                // no cgroup fs
            }
        } catch (RuntimeException e) {
            System.err.println("[e2e] cleanup sweep failed: " + e);
        }
        if (events != null) {
            events.close();
        }
        stopContainerd();
        unmountUnderBase();
        copyLogs();
        if (config.keep()) {
            System.err.println("[e2e] e2e.keep set: left " + base);
        } else {
            deleteTree(base);
        }
    }

    private void stopContainerd() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        process.destroy(); // SIGTERM (tini forwards it to containerd)
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                System.err.println("[e2e] containerd did not stop on SIGTERM; SIGKILL");
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // containerd itself (child of tini) must not survive tini
        tree.stream().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/containerd")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    private void unmountUnderBase() {
        try {
            List<String> targets = new ArrayList<>();
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && (f[4].equals(base.toString()) || f[4].startsWith(base + "/"))) {
                    targets.add(f[4].replace("\\040", " "));
                }
            }
            targets.sort(Comparator.reverseOrder());
            for (String t : targets) {
                System.err.println("[e2e] cleanup: unmounting " + t);
                if (!Cmd.run(Duration.ofSeconds(10), List.of("umount", t)).ok()) {
                    Cmd.run(Duration.ofSeconds(10), List.of("umount", "-l", t));
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[e2e] cleanup: unmount failed: " + e);
        }
    }

    private void copyLogs() {
        try {
            Files.createDirectories(config.logDir());
            List<String> names = new ArrayList<>(List.of("containerd.log", "config.toml"));
            try (Stream<Path> s = Files.list(base)) {
                s.map(p -> p.getFileName().toString()).filter(n -> n.matches("events(\\.\\d+)?\\.(log|err)")).forEach(names::add);
            }
            for (String name : names) {
                Path src = base.resolve(name);
                if (Files.exists(src)) {
                    Files.copy(src, config.logDir().resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[e2e] cannot copy logs: " + e);
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
                    System.err.println("[e2e] cannot delete " + p + ": " + e);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("[e2e] cannot delete " + dir + ": " + e);
        }
    }

    /**
     * JUnit 5 extension: shares one {@link PrivateContainerd} across every test class of the run (root
     * store; closed when the run ends), injects it as a constructor/method parameter and prints the
     * containerd log tail when a test fails.
     */
    public static final class Extension implements ParameterResolver, TestWatcher {
        private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(PrivateContainerd.class);

        /** Start outcome cached in the root store so that a failed start is not retried per class. */
        private record Holder(PrivateContainerd instance, RuntimeException failure) implements AutoCloseable {
            @Override
            public void close() {
                if (instance != null) {
                    instance.close();
                }
            }
        }

        static PrivateContainerd get(ExtensionContext context) {
            Holder h = context.getRoot().getStore(NS).getOrComputeIfAbsent(Holder.class, k -> {
                try {
                    return new Holder(PrivateContainerd.start(E2eConfig.fromSystemProperties()), null);
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
        public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) throws ParameterResolutionException {
            return pc.getParameter().getType() == PrivateContainerd.class;
        }

        @Override
        public Object resolveParameter(ParameterContext pc, ExtensionContext ec) throws ParameterResolutionException {
            return get(ec);
        }

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            Holder h = context.getRoot().getStore(NS).get(Holder.class, Holder.class);
            if (h != null && h.instance() != null) {
                System.err.println("[e2e] " + context.getDisplayName() + " failed; containerd.log tail:\n"
                        + h.instance().logTail(60) + "\n[e2e] --- end of containerd.log tail ---");
            }
        }
    }
}
