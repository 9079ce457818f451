package io.rune.shim.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rune.shim.runc.Monitor;
import io.rune.shim.runc.Rune;
import io.rune.shim.runc.RuneConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * A container's bundle directory and every file the shim reads or writes in it: config.json
 * (parsed once), the shim's own options.json and runtime files (so that {@code delete} finds
 * rune after the daemon died), pid files, rune's log, the rootfs, CRIU's work dir. The one place
 * that builds the rune driver for a bundle, for Create and the delete action alike.
 */
public final class Bundle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path dir;
    private JsonNode spec;

    private Bundle(Path dir) {
        this.dir = dir;
    }

    public static Bundle at(Path dir) {
        return new Bundle(dir);
    }

    public Path dir() { return dir; }
    public Path rootfs() { return dir.resolve("rootfs"); }
    public Path initPidFile() { return dir.resolve("init.pid"); }
    Path execPidFile(String execId) { return dir.resolve(execId + ".pid"); }
    Path runeLog() { return dir.resolve("log.json"); }
    /** CRIU's work dir for restore (and, under it, for checkpoint) unless the options name one. */
    Path workDir() { return dir.resolve("work"); }
    Path criuDumpLog() { return dir.resolve("criu-dump.log"); }

    @Override
    public String toString() {
        return dir.toString();
    }

    /** The rune driver for this bundle's container: binary and root from the options, state under root/namespace. */
    public Rune rune(RuntimeOptions o, String namespace, boolean debug, Monitor monitor) {
        return new Rune(new RuneConfig(o.binaryOrDefault(), o.rootOrDefault() + "/" + namespace,
                runeLog().toString(), debug, o.criuPath(), o.systemdCgroup()), monitor);
    }

    /** rune's state directory of container id: present while rune knows the container. */
    public static Path runeState(RuntimeOptions o, String namespace, String id) {
        return Path.of(o.rootOrDefault(), namespace, id);
    }

    // ------------------------------------------------------------------ config.json

    /** config.json, parsed on first use; InvalidArgument when it is missing or not a JSON object. */
    private synchronized JsonNode spec() {
        if (spec != null) return spec;
        Path p = dir.resolve("config.json");
        JsonNode n;
        try {
            n = JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw ShimError.invalidArgument("cannot read OCI spec " + p + ": " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw ShimError.invalidArgument("OCI spec " + p + " is not a JSON object");
        return spec = n;
    }

    /** Whether the container gets a pid namespace of its own (one of type pid without a path). */
    boolean privatePidNamespace() {
        for (JsonNode ns : spec().path("linux").path("namespaces")) {
            if ("pid".equals(ns.path("type").asText()) && ns.path("path").asText("").isEmpty()) return true;
        }
        return false;
    }

    /** The container process's environment, KEY=value entries. */
    List<String> processEnv() {
        List<String> env = new ArrayList<>();
        for (JsonNode e : spec().path("process").path("env")) env.add(e.asText());
        return env;
    }

    // ------------------------------------------------------------------ the shim's own files

    void writeOptions(RuntimeOptions o) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        if (o.noPivotRoot()) n.put("no_pivot_root", true);
        if (o.noNewKeyring()) n.put("no_new_keyring", true);
        if (!o.shimCgroup().isEmpty()) n.put("shim_cgroup", o.shimCgroup());
        if (o.ioUid() != 0) n.put("io_uid", o.ioUid());
        if (o.ioGid() != 0) n.put("io_gid", o.ioGid());
        if (!o.binaryName().isEmpty()) n.put("binary_name", o.binaryName());
        if (!o.root().isEmpty()) n.put("root", o.root());
        if (!o.criuPath().isEmpty()) n.put("criu_path", o.criuPath());
        if (o.systemdCgroup()) n.put("systemd_cgroup", true);
        if (!o.criuImagePath().isEmpty()) n.put("criu_image_path", o.criuImagePath());
        if (!o.criuWorkPath().isEmpty()) n.put("criu_work_path", o.criuWorkPath());
        if (!o.carrierConfig().isEmpty()) n.put("carrier_config", o.carrierConfig());
        writePrivate(dir.resolve("options.json"), JSON.writeValueAsString(n));
        writePrivate(dir.resolve("runtime"), o.binaryName());
    }

    /** Options saved at Create; defaults when the file is missing (Create never ran). */
    public RuntimeOptions readOptions() throws IOException {
        Path p = dir.resolve("options.json");
        if (!Files.exists(p)) return RuntimeOptions.DEFAULTS;
        var n = JSON.readTree(p.toFile());
        return new RuntimeOptions(n.path("binary_name").asText(""), n.path("root").asText(""),
                n.path("no_pivot_root").asBoolean(), n.path("no_new_keyring").asBoolean(),
                n.path("shim_cgroup").asText(""), n.path("io_uid").asInt(), n.path("io_gid").asInt(),
                n.path("criu_path").asText(""), n.path("systemd_cgroup").asBoolean(),
                n.path("criu_image_path").asText(""), n.path("criu_work_path").asText(""),
                n.path("carrier_config").asText(""));
    }

    /** The pid rune wrote; IOException naming the file when it is not a number. */
    static int readPid(Path pidFile) throws IOException {
        String s = Files.readString(pidFile).trim();
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IOException("bad pid file " + pidFile + ": '" + s + "'");
        }
    }

    /** The init's pid as rune wrote it at create, or -1 when there is none (never created). */
    public int initPidOrMinusOne() {
        try {
            return readPid(initPidFile());
        } catch (IOException e) {
            return -1;
        }
    }

    private static void writePrivate(Path p, String content) throws IOException {
        Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
