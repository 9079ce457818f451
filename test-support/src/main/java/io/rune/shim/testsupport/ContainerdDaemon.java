package io.rune.shim.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One private containerd process: config.toml, socket {@code c.sock} and {@code containerd.log} in the
 * suite's dir, the installed shims (and tools such as a newer criu) first on its PATH, then the bin dir of the containerd under test (so
 * that the reference {@code containerd-shim-runc-v2} is that release's own), under {@code tini -s} when
 * there is one (a subreaper above containerd, so orphaned shims and container processes are reaped promptly).
 */
public final class ContainerdDaemon {
    private static final String SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final Path TINI = Path.of("/usr/bin/tini");
    /** sun_path holds 108 bytes with the NUL; containerd's ttrpc socket adds ".ttrpc". */
    private static final int MAX_SOCKET_PATH = 107;
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final String tag;
    private final Path dir;
    private final List<Path> pathDirs;
    private final ContainerdBin containerd;
    private final ContainerdConfig config;
    private final Path address;
    private final Path log;
    private Process process;

    /**
     * tag prefixes log lines; bin holds the installed shims (first on containerd's PATH); containerd is
     * the release to run (its bin dir next on the PATH).
     */
    public ContainerdDaemon(String tag, Path dir, Path bin, ContainerdBin containerd, ContainerdConfig config) {
        this(tag, dir, List.of(bin), containerd, config);
    }

    /** pathDirs go first on containerd's PATH, in this order, then the release's bin dir and the system's. */
    public ContainerdDaemon(String tag, Path dir, List<Path> pathDirs, ContainerdBin containerd, ContainerdConfig config) {
        this.tag = tag;
        this.dir = dir;
        this.pathDirs = List.copyOf(pathDirs);
        this.containerd = containerd;
        this.config = config;
        this.address = dir.resolve("c.sock");
        this.log = dir.resolve("containerd.log");
    }

    /** The gRPC socket ({@code <dir>/c.sock}; ttrpc is that plus {@code .ttrpc}). */
    public Path address() {
        return address;
    }

    /** Where containerd will find this binary (PATH lookup as containerd does it), or null. */
    public Path resolve(String binary) {
        for (String d : path().split(":")) {
            Path p = Path.of(d, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** containerd's PATH, which its shims inherit. */
    public String path() {
        StringBuilder p = new StringBuilder();
        pathDirs.forEach(d -> p.append(d).append(':'));
        return p.append(containerd.dir()).append(':').append(SYSTEM_PATH).toString();
    }

    /** The containerd release this daemon runs. */
    public ContainerdBin containerd() {
        return containerd;
    }

    /** Writes config.toml and starts containerd; returns once {@code ctr version} answers on the socket. */
    public void start() throws IOException {
        if (address.toString().length() + ".ttrpc".length() > MAX_SOCKET_PATH) {
            throw new IllegalStateException("socket path too long: " + address);
        }
        Files.writeString(dir.resolve("config.toml"), config.render(dir, address, containerd.version()));
        launch();
    }

    /**
     * Restarts containerd with the same config, as an operator would: SIGTERM, wait for the exit, start
     * again. Shims and containers keep running.
     */
    public void restart() throws IOException {
        stop();
        if (process.isAlive()) {
            throw new IllegalStateException("containerd did not stop");
        }
        launch();
    }

    /** Starts containerd (appending to containerd.log) and waits up to 30 s for its socket to answer. */
    private void launch() throws IOException {
        List<String> argv = new ArrayList<>();
        if (Files.isExecutable(TINI)) {
            argv.addAll(List.of(TINI.toString(), "-s", "--"));
        }
        argv.addAll(List.of(containerd.containerd().toString(), "--config", dir.resolve("config.toml").toString()));
        ProcessBuilder pb = new ProcessBuilder(argv)
                .directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("PATH", path());
        pb.environment().remove("NOTIFY_SOCKET");
        process = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("containerd exited with " + process.exitValue());
            }
            if (Files.exists(address)
                    && Cmd.run(Duration.ofSeconds(5), List.of(containerd.ctr().toString(), "--address", address.toString(), "version")).ok()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("containerd socket " + address + " did not come up");
            }
            Poll.sleep(Duration.ofMillis(100));
        }
    }

    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** SIGTERM (tini forwards it), SIGKILL after 15 s; containerd itself must not outlive tini. */
    public void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> tree = Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE.toSeconds(), TimeUnit.SECONDS)) {
                System.err.println(tag + " containerd did not stop on SIGTERM; SIGKILL");
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.endsWith("/containerd")).orElse(false))
                .forEach(ProcessHandle::destroyForcibly);
    }

    /** Gives this containerd's shims 5 s to exit on their own, then SIGKILLs those left (logging each). */
    public void killLeftoverShims() {
        Poll.until(Duration.ofSeconds(5), () -> ProcScan.shims(address), List::isEmpty);
        for (ProcScan.Proc p : ProcScan.shims(address)) {
            System.err.println(tag + " cleanup: killing leftover shim " + p);
            ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** The last lines of containerd.log, without the debug "event published" chatter. */
    public String logTail(int lines) {
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
    public List<String> logLines(String... having) {
        try {
            return new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .filter(l -> Stream.of(having).allMatch(l::contains)).toList();
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e + ")");
        }
    }
}
