package io.rune.shim.e2e;

import io.rune.shim.testsupport.BusyboxRootfs;
import io.rune.shim.testsupport.CloseOnce;
import io.rune.shim.testsupport.Cmd;
import io.rune.shim.testsupport.ContainerdConfig;
import io.rune.shim.testsupport.ContainerdDaemon;
import io.rune.shim.testsupport.ProcScan;
import io.rune.shim.testsupport.SharedFixture;
import io.rune.shim.testsupport.StaleShimSockets;
import io.rune.shim.testsupport.SuiteDir;
import io.rune.shim.testsupport.SuiteFixture;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A private containerd (own root, state and sockets in a short temp dir under /tmp, CRI off, debug
 * log) with a busybox rootfs and a running {@code ctr events} subscriber. Started once per test run
 * by {@link Extension} and torn down when the run ends (also from a shutdown hook).
 */
public final class PrivateContainerd implements SuiteFixture {
    public static final String NAMESPACE = "e2e";
    private static final String TAG = "[e2e]";

    private final E2eConfig config;
    private final SuiteDir dir;
    private final Path base;
    private final Path rootfs;
    private final ContainerdDaemon daemon;
    private final CloseOnce once = CloseOnce.withShutdownHook("e2e-containerd-cleanup", this::close);
    private final StaleShimSockets sockets = StaleShimSockets.snapshot();
    private final Map<String, ShimRuntime> ids = new ConcurrentHashMap<>();
    private Ctr ctr;
    private EventStream events;
    private int starts;

    private PrivateContainerd(E2eConfig config, SuiteDir dir) {
        this.config = config;
        this.dir = dir;
        this.base = dir.path();
        this.rootfs = base.resolve("rootfs");
        this.daemon = new ContainerdDaemon(TAG, base, pathDirs(config), config.containerd(), ContainerdConfig.withoutCri());
    }

    /** The criu directory (when given) before the installed shims, so runc and rune both find that criu. */
    private static List<Path> pathDirs(E2eConfig config) {
        return config.criuDir() == null ? List.of(config.bin()) : List.of(config.criuDir(), config.bin());
    }

    public static PrivateContainerd start(E2eConfig config) throws IOException {
        PrivateContainerd c = new PrivateContainerd(config, SuiteDir.create("e2e-", TAG));
        return SuiteFixture.bootOrClose(c, c::boot, "private containerd");
    }

    private void boot() throws IOException {
        for (ShimRuntime rt : List.of(config.underTest(), config.referenceRuntime())) {
            if (resolveShim(rt) == null) {
                throw new IllegalStateException(rt + ": " + rt.binaryName() + " not found in " + config.bin() + " or the system PATH");
            }
        }
        BusyboxRootfs.build(rootfs);
        Files.createDirectories(base.resolve("fifo"));
        ctr = new Ctr(config.containerd().ctr(), daemon.address(), NAMESPACE, rootfs, base.resolve("fifo"));
        daemon.start();
        subscribe();
        System.err.printf("[e2e] private %s up: base %s, runtime under test %s (%s), reference %s (%s), bin %s, criu %s%n",
                config.containerd(), base, config.runtime(), resolveShim(config.underTest()), config.reference(),
                resolveShim(config.referenceRuntime()), config.bin(), daemon.resolve("criu"));
    }

    /** Subscribes to events; each containerd start gets its own events log. */
    private void subscribe() throws IOException {
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
        if (once.closed()) {
            throw new IllegalStateException("already closed");
        }
        events.close();
        daemon.restart();
        subscribe();
        System.err.println("[e2e] private containerd restarted");
    }

    /** Where runc/rune will find criu (containerd's PATH), or null. */
    public Path criu() {
        return daemon.resolve("criu");
    }

    /** Where containerd will find the shim binary for this runtime (PATH lookup), or null. */
    public Path resolveShim(ShimRuntime rt) {
        return daemon.resolve(rt.binaryName());
    }

    /** The PATH containerd and its shims run with. */
    public String searchPath() {
        return daemon.path();
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
        return daemon.address();
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

    /** Mount points below the base dir (rootfs, shm, ...), as mountinfo spells them. */
    public List<String> mountsUnderBase() {
        return dir.mountsBelow();
    }

    /** Every container id handed out in this run, with its runtime. */
    public Map<String, ShimRuntime> registered() {
        return Map.copyOf(ids);
    }

    /** Remembers an id so that the final sweep can clean up after it even when a test did not. */
    public void register(ShimRuntime rt, String id) {
        ids.put(id, rt);
    }

    @Override
    public String logTail(int lines) {
        return daemon.logTail(lines);
    }

    /** Force-removes one container of ours and anything it left behind. Never throws. */
    public void forceRemove(ShimRuntime rt, String id) {
        forceRemove(rt, id, true);
    }

    private void forceRemove(ShimRuntime rt, String id, boolean viaCtr) {
        try {
            if (viaCtr && ctr != null && daemon.alive()) {
                ctr.removeQuietly(id);
            }
            for (long pid : ProcScan.shimPids(address(), id)) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            for (Path root : new LinkedHashSet<>(List.of(rt.stateRoot(), config.underTest().stateRoot(), config.referenceStateRoot()))) {
                if (Files.exists(root.resolve(NAMESPACE).resolve(id))) {
                    Cmd.run(Duration.ofSeconds(10), List.of("runc", "--root", root.resolve(NAMESPACE).toString(), "delete", "--force", id));
                }
            }
            Files.deleteIfExists(Leftovers.shimSocket(address(), NAMESPACE, id));
            for (String cg : Leftovers.scan(this, rt, id).cgroupDirs()) {
                new File(cg).delete();
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[e2e] cleanup of " + id + ": " + e);
        }
    }

    @Override
    public synchronized void close() {
        if (!once.claim()) {
            return;
        }
        try {
            if (ctr != null && daemon.alive()) {
                for (String id : ctr.listQuiet("task")) {
                    ctr.exec(Duration.ofSeconds(20), List.of("task", "rm", "-f", id));
                }
                for (String id : ctr.listQuiet("container")) {
                    ctr.exec(Duration.ofSeconds(20), List.of("container", "rm", id));
                }
            }
            daemon.killLeftoverShims();
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
        daemon.stop();
        sockets.removeNew(TAG);
        dir.dispose(config.keep(), config.logDir(),
                n -> n.equals("containerd.log") || n.equals("config.toml") || n.matches("events(\\.\\d+)?\\.(log|err)"));
    }

    /** Shares one {@link PrivateContainerd} across every test class of the run; see {@link SharedFixture}. */
    public static final class Extension extends SharedFixture<PrivateContainerd> {
        public Extension() {
            super(PrivateContainerd.class, TAG, () -> start(E2eConfig.fromSystemProperties()));
        }
    }
}
