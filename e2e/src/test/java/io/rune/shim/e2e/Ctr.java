package io.rune.shim.e2e;

import io.rune.shim.testsupport.Cmd;
import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Runs {@code ctr --address <sock> --namespace <ns> ...} (the ctr of the containerd under test) against the private containerd. */
public final class Ctr {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    /** One row of {@code ctr task ls}. */
    public record TaskInfo(String id, long pid, String status) {}

    private final Path binary;
    private final Path address;
    private final String namespace;
    private final Path rootfs;
    private final Path fifoDir;

    /** @param binary the ctr of the containerd under test */
    public Ctr(Path binary, Path address, String namespace, Path rootfs, Path fifoDir) {
        this.binary = binary;
        this.address = address;
        this.namespace = namespace;
        this.rootfs = rootfs;
        this.fifoDir = fifoDir;
    }

    public Path address() {
        return address;
    }

    /** The ctr executable (that of the containerd under test). */
    public Path binary() {
        return binary;
    }

    public Path rootfs() {
        return rootfs;
    }

    public Path fifoDir() {
        return fifoDir;
    }

    /** The full argv of {@code ctr --address .. --namespace .. <args>} (for {@link LiveProcess}). */
    public List<String> argv(List<String> args) {
        List<String> argv = new ArrayList<>(List.of(binary.toString(), "--address", address.toString(), "--namespace", namespace));
        argv.addAll(args);
        return argv;
    }

    public List<String> argv(String... args) {
        return argv(List.of(args));
    }

    public String namespace() {
        return namespace;
    }

    public CmdResult exec(Duration timeout, List<String> args) {
        return Cmd.run(timeout, argv(args));
    }

    public CmdResult exec(String... args) {
        return exec(DEFAULT_TIMEOUT, List.of(args));
    }

    /** {@code ctr run --rm} (attached, waits for the exit; ctr exits with the task's status). */
    public CmdResult runRm(ShimRuntime rt, String id, String... cmd) {
        return exec(DEFAULT_TIMEOUT, runArgs(rt, "--rm", id, cmd));
    }

    /** {@code ctr run -d}. */
    public CmdResult runDetached(ShimRuntime rt, String id, String... cmd) {
        return exec(DEFAULT_TIMEOUT, runArgs(rt, "-d", id, cmd));
    }

    private List<String> runArgs(ShimRuntime rt, String mode, String id, String... cmd) {
        return runArgs(rt, List.of(mode), id, cmd);
    }

    /** {@code run <options> --runtime <rt> --fifo-dir <ours> --rootfs <rootfs> <id> <cmd...>} (options e.g. "-d", "--rm", "-t"). */
    public List<String> runArgs(ShimRuntime rt, List<String> options, String id, String... cmd) {
        List<String> a = new ArrayList<>(List.of("run"));
        a.addAll(options);
        a.addAll(List.of("--runtime", rt.name(), "--fifo-dir", fifoDir.toString(), "--rootfs", rootfs.toString(), id));
        a.addAll(List.of(cmd));
        return a;
    }

    /** {@code ctr run} with arbitrary options (see {@link #runArgs(ShimRuntime, List, String, String...)}). */
    public CmdResult run(ShimRuntime rt, List<String> options, String id, String... cmd) {
        return exec(DEFAULT_TIMEOUT, runArgs(rt, options, id, cmd));
    }

    /** {@code task exec [options] --fifo-dir <ours> --exec-id <execId> <id> <cmd...>}. */
    public List<String> execArgs(List<String> options, String id, String execId, String... cmd) {
        List<String> a = new ArrayList<>(List.of("task", "exec"));
        a.addAll(options);
        a.addAll(List.of("--fifo-dir", fifoDir.toString(), "--exec-id", execId, id));
        a.addAll(List.of(cmd));
        return a;
    }

    /** {@code ctr task exec --exec-id <execId> <id> <cmd...>} (attached; ctr exits with the exec's status). */
    public CmdResult taskExec(String id, String execId, String... cmd) {
        return exec(DEFAULT_TIMEOUT, execArgs(List.of(), id, execId, cmd));
    }

    /** Parsed {@code ctr task ls}. */
    public Map<String, TaskInfo> tasks() {
        CmdResult r = exec("task", "ls");
        if (!r.ok()) {
            throw new IllegalStateException("ctr task ls failed: " + r);
        }
        Map<String, TaskInfo> m = new LinkedHashMap<>();
        String[] lines = r.stdout().split("\n");
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length >= 3) {
                m.put(f[0], new TaskInfo(f[0], Long.parseLong(f[1]), f[2]));
            }
        }
        return m;
    }

    public Optional<TaskInfo> task(String id) {
        return Optional.ofNullable(tasks().get(id));
    }

    /** Status column of {@code ctr task ls} for the id, or "ABSENT" when it has no row. */
    public String taskStatus(String id) {
        return task(id).map(TaskInfo::status).orElse("ABSENT");
    }

    public String awaitStatus(String id, String status, Duration timeout) {
        return Poll.until(timeout, () -> taskStatus(id), status::equals);
    }

    /**
     * Waits until the task has at least {@code n} processes ({@code ctr task ps}): for a shell that
     * traps TERM before it starts its child, the child's presence says the trap is set.
     */
    public int awaitProcesses(String id, int n, Duration timeout) {
        return Poll.until(timeout, () -> {
            CmdResult r = exec("task", "ps", id);
            return r.ok() ? (int) r.stdout().lines().skip(1).filter(l -> !l.isBlank()).count() : 0;
        }, c -> c >= n);
    }

    public CmdResult kill(String id, String signal) {
        return signal == null ? exec("task", "kill", id) : exec("task", "kill", "-s", signal, id);
    }

    public List<String> listQuiet(String what) {
        CmdResult r = exec(what, "ls", "-q");
        return r.ok() ? r.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList() : List.of();
    }

    /** Best effort: kill and delete the task, delete the container. Never throws. */
    public void removeQuietly(String id) {
        try {
            exec(Duration.ofSeconds(20), List.of("task", "rm", "-f", id));
            exec(Duration.ofSeconds(20), List.of("container", "rm", id));
        } catch (RuntimeException ignored) {
            // cleanup path
        }
    }
}
