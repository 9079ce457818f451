package io.rune.shim.task;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The shim's own files in a bundle: {@code options.json} and {@code runtime}, written at Create
 * so that the {@code delete} action finds rune's binary and root after the daemon died.
 */
public final class BundleFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BundleFiles() {}

    public static void write(Path bundle, RuntimeOptions o) throws IOException {
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
        writePrivate(bundle.resolve("options.json"), JSON.writeValueAsString(n));
        writePrivate(bundle.resolve("runtime"), o.binaryName());
    }

    /** Options saved at Create; defaults when the file is missing (Create never ran). */
    public static RuntimeOptions read(Path bundle) throws IOException {
        Path p = bundle.resolve("options.json");
        if (!Files.exists(p)) return RuntimeOptions.DEFAULTS;
        var n = JSON.readTree(p.toFile());
        return new RuntimeOptions(n.path("binary_name").asText(""), n.path("root").asText(""),
                n.path("no_pivot_root").asBoolean(), n.path("no_new_keyring").asBoolean(),
                n.path("shim_cgroup").asText(""), n.path("io_uid").asInt(), n.path("io_gid").asInt(),
                n.path("criu_path").asText(""), n.path("systemd_cgroup").asBoolean(),
                n.path("criu_image_path").asText(""), n.path("criu_work_path").asText(""),
                n.path("carrier_config").asText(""));
    }

    private static void writePrivate(Path p, String content) throws IOException {
        Path tmp = p.resolveSibling("." + p.getFileName() + ".tmp");
        Files.writeString(tmp, content);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        Files.move(tmp, p, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
