package io.rune.shim.task;

import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonArray;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;
import io.rune.shim.runc.Monitor;
import io.rune.shim.runc.Rune;
import io.rune.shim.runc.RuneConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;

/**
 * A container's bundle directory and every file the shim reads or writes in it: config.json
 * (parsed once), the shim's own options.json and runtime files (so that {@code delete} finds
 * rune after the daemon died), pid files, rune's log, the rootfs, CRIU's work dir. The one place
 * that builds the rune driver for a bundle, for Create and the delete action alike.
 */
public final class Bundle {
    private final Path dir;
    private JsonObject spec;

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
    private synchronized JsonObject spec() {
        if (spec != null) return spec;
        Path p = dir.resolve("config.json");
        JsonValue n;
        try {
            n = Json.parse(Files.readAllBytes(p), null); // the message names the file once, below
        } catch (IOException e) {
            throw ShimError.invalidArgument("cannot read OCI spec " + p + ": " + e.getMessage());
        }
        if (!(n instanceof JsonObject o)) throw ShimError.invalidArgument("OCI spec " + p + " is not a JSON object");
        return spec = o;
    }

    /** Whether the container gets a pid namespace of its own (one of type pid without a path). */
    boolean privatePidNamespace() {
        for (JsonValue ns : array(spec().at("linux", "namespaces"))) {
            if (!(ns instanceof JsonObject o)) continue;
            if (o.getString("type", "").equals("pid") && o.getString("path", "").isEmpty()) return true;
        }
        return false;
    }

    /** The container process's environment, KEY=value entries. */
    List<String> processEnv() {
        return array(spec().at("process", "env")).scalarTexts();
    }

    private static JsonArray array(Optional<JsonValue> v) {
        return v.flatMap(JsonValue::asArray).orElseGet(JsonArray::new);
    }

    // ------------------------------------------------------------------ the shim's own files

    void writeOptions(RuntimeOptions o) throws IOException {
        JsonObject n = new JsonObject();
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
        writePrivate(dir.resolve("options.json"), Json.write(n));
        writePrivate(dir.resolve("runtime"), o.binaryName());
    }

    /** Options saved at Create; defaults when the file is missing (Create never ran). */
    public RuntimeOptions readOptions() throws IOException {
        Path p = dir.resolve("options.json");
        if (!Files.exists(p)) return RuntimeOptions.DEFAULTS;
        JsonObject n = Json.read(p).asObject().orElseGet(JsonObject::new);
        return new RuntimeOptions(n.getString("binary_name", ""), n.getString("root", ""),
                n.getBoolean("no_pivot_root", false), n.getBoolean("no_new_keyring", false),
                n.getString("shim_cgroup", ""), n.getInt("io_uid", 0), n.getInt("io_gid", 0),
                n.getString("criu_path", ""), n.getBoolean("systemd_cgroup", false),
                n.getString("criu_image_path", ""), n.getString("criu_work_path", ""),
                n.getString("carrier_config", ""));
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
