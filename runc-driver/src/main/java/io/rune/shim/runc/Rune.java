package io.rune.shim.runc;

import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonArray;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed calls of the rune CLI (runc-compatible). Each method renders its argv, runs it
 * through the {@link Monitor}, and turns a failure into a {@link RuneException} carrying
 * rune's last JSON-log error.
 */
public final class Rune {
    private final RuneConfig config;
    private final Monitor monitor;
    private final RuneLog log;

    public Rune(RuneConfig config, Monitor monitor) {
        this.config = config;
        this.monitor = monitor;
        this.log = config.logPath() == null ? null : new RuneLog(Path.of(config.logPath()));
    }

    public RuneConfig config() { return config; }

    /** Global flags, in the order go-runc renders them. */
    List<String> globalArgs() {
        List<String> a = new ArrayList<>();
        a.add(config.binary());
        a.add("--root");
        a.add(config.root());
        if (config.debug()) a.add("--debug");
        if (config.logPath() != null) {
            a.add("--log");
            a.add(config.logPath());
            a.add("--log-format");
            a.add("json");
        }
        if (config.criuPath() != null && !config.criuPath().isEmpty()) {
            a.add("--criu");
            a.add(config.criuPath());
        }
        if (config.systemdCgroup()) a.add("--systemd-cgroup");
        return a;
    }

    List<String> createArgs(String id, CreateOptions o) {
        List<String> a = globalArgs();
        a.addAll(List.of("create", "--bundle", o.bundle(), "--pid-file", o.pidFile()));
        if (o.consoleSocket() != null) a.addAll(List.of("--console-socket", o.consoleSocket()));
        if (o.noPivot()) a.add("--no-pivot");
        if (o.noNewKeyring()) a.add("--no-new-keyring");
        a.add(id);
        return a;
    }

    public void create(String id, CreateOptions o, RuneIo io) throws RuneException, IOException, InterruptedException {
        run("create", createArgs(id, o), null, io);
    }

    public void start(String id) throws RuneException, IOException, InterruptedException {
        run("start", args("start", id), null, null);
    }

    List<String> killArgs(String id, int signal, boolean all) {
        List<String> a = globalArgs();
        a.add("kill");
        if (all) a.add("--all");
        a.add(id);
        a.add(Integer.toString(signal));
        return a;
    }

    public void kill(String id, int signal, boolean all) throws RuneException, IOException, InterruptedException {
        run(all ? "killall" : "kill", killArgs(id, signal, all), null, null);
    }

    List<String> deleteArgs(String id, boolean force) {
        List<String> a = globalArgs();
        a.add("delete");
        if (force) a.add("--force");
        a.add(id);
        return a;
    }

    public void delete(String id, boolean force) throws RuneException, IOException, InterruptedException {
        run("delete", deleteArgs(id, force), null, null);
    }

    public ContainerState state(String id) throws RuneException, IOException, InterruptedException {
        CommandResult r = run("state", args("state", id), null, null);
        JsonObject n = Json.parse(r.stdout(), config.binary() + " state").asObject().orElseGet(JsonObject::new);
        return new ContainerState(n.getString("id", ""), n.getInt("pid", 0), n.getString("status", ""),
                n.getString("bundle", ""));
    }

    public List<Integer> ps(String id) throws RuneException, IOException, InterruptedException {
        List<String> a = globalArgs();
        a.addAll(List.of("ps", "--format", "json", id));
        CommandResult r = run("ps", a, null, null);
        List<Integer> pids = new ArrayList<>();
        if (utf8(r.stdout()).isBlank()) return pids;
        // an array of pids; Go writes a nil slice as null
        JsonArray list = Json.parse(r.stdout(), config.binary() + " ps").asArray().orElseGet(JsonArray::new);
        for (JsonValue p : list) p.asNumber().ifPresent(n -> pids.add(n.asInt()));
        return pids;
    }

    List<String> execArgs(String id, ExecOptions o) {
        List<String> a = globalArgs();
        a.addAll(List.of("exec", "--process", o.processFile()));
        if (o.consoleSocket() != null) a.addAll(List.of("--console-socket", o.consoleSocket()));
        a.addAll(List.of("--detach", "--pid-file", o.pidFile(), id));
        return a;
    }

    /** Starts an additional process in the container; it is detached: rune returns once it runs. */
    public void exec(String id, ExecOptions o, RuneIo io) throws RuneException, IOException, InterruptedException {
        run("exec", execArgs(id, o), null, io);
    }

    public void pause(String id) throws RuneException, IOException, InterruptedException {
        run("pause", args("pause", id), null, null);
    }

    public void resume(String id) throws RuneException, IOException, InterruptedException {
        run("resume", args("resume", id), null, null);
    }

    List<String> updateArgs(String id) {
        List<String> a = globalArgs();
        a.addAll(List.of("update", "--resources", "-", id));
        return a;
    }

    /** Applies LinuxResources (JSON, fed on stdin) to a container. */
    public void update(String id, byte[] resourcesJson) throws RuneException, IOException, InterruptedException {
        run("update", updateArgs(id), resourcesJson, null);
    }

    List<String> checkpointArgs(String id, CheckpointOptions o) {
        List<String> a = globalArgs();
        a.addAll(List.of("checkpoint", "--image-path", o.imagePath(), "--work-path", o.workPath()));
        if (o.parentPath() != null && !o.parentPath().isEmpty()) a.addAll(List.of("--parent-path", o.parentPath()));
        if (o.tcpEstablished()) a.add("--tcp-established");
        if (o.externalUnixSockets()) a.add("--ext-unix-sk");
        if (o.shellJob()) a.add("--shell-job");
        if (o.fileLocks()) a.add("--file-locks");
        for (String ns : o.emptyNamespaces()) a.addAll(List.of("--empty-ns", ns));
        if (o.leaveRunning()) a.add("--leave-running");
        a.add(id);
        return a;
    }

    public void checkpoint(String id, CheckpointOptions o) throws RuneException, IOException, InterruptedException {
        run("checkpoint", checkpointArgs(id, o), null, null);
    }

    List<String> restoreArgs(String id, RestoreOptions o) {
        List<String> a = globalArgs();
        a.addAll(List.of("restore", "--image-path", o.imagePath(), "--work-path", o.workPath()));
        if (o.parentPath() != null && !o.parentPath().isEmpty()) a.addAll(List.of("--parent-path", o.parentPath()));
        a.addAll(List.of("--detach", "--pid-file", o.pidFile()));
        if (o.consoleSocket() != null) a.addAll(List.of("--console-socket", o.consoleSocket()));
        if (o.noPivot()) a.add("--no-pivot");
        // the shim is the subreaper of the restored process, not rune
        a.addAll(List.of("-no-subreaper", "--bundle", o.bundle(), id));
        return a;
    }

    public void restore(String id, RestoreOptions o, RuneIo io) throws RuneException, IOException, InterruptedException {
        run("restore", restoreArgs(id, o), null, io);
    }

    private List<String> args(String sub, String id) {
        List<String> a = globalArgs();
        a.add(sub);
        a.add(id);
        return a;
    }

    private CommandResult run(String op, List<String> argv, byte[] input, RuneIo io)
            throws RuneException, IOException, InterruptedException {
        long mark = log == null ? 0 : log.mark();
        CommandResult r;
        try {
            r = monitor.run(argv, input, io);
        } catch (IOException e) {
            // e.g. the binary is missing: posix_spawn reports ENOENT with the path
            throw new RuneException(op, e.getMessage(), -1);
        }
        if (r.status() == 0) return r;
        String msg = log == null ? null : log.lastErrorSince(mark);
        if (msg == null) {
            msg = config.binary() + " did not terminate successfully: exit status " + r.status();
            String out = r.combinedOutput();
            if (!out.isEmpty()) msg += ": " + out;
        }
        throw new RuneException(op, msg, r.status());
    }

    static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
