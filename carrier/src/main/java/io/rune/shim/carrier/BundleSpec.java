package io.rune.shim.carrier;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bundle's config.json as far as the carrier reads and changes it: process args, env and cwd.
 * The original bytes are kept, so a failed step puts the file back exactly as it was; a rewrite
 * changes only {@code process.env} and keeps every other field, its order and its numbers.
 */
final class BundleSpec {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();

    private final Path file;
    private final byte[] original;
    private final ObjectNode root;
    private boolean rewritten;

    private BundleSpec(Path file, byte[] original, ObjectNode root) {
        this.file = file;
        this.original = original;
        this.root = root;
    }

    static BundleSpec read(Path bundle) throws CarrierException {
        Path file = bundle.resolve("config.json");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw CarrierException.invalid("bundle has no config.json: " + file);
        } catch (IOException e) {
            throw CarrierException.failed("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonNode n;
        try {
            n = JSON.readTree(bytes);
        } catch (IOException e) {
            throw CarrierException.invalid("malformed " + file + ": " + e.getMessage());
        }
        if (!(n instanceof ObjectNode o)) throw CarrierException.invalid("malformed " + file + ": not a JSON object");
        return new BundleSpec(file, bytes, o);
    }

    Path file() {
        return file;
    }

    byte[] originalBytes() {
        return original.clone();
    }

    /** process.env as written ("K=V" entries, in order). */
    List<String> envList() {
        List<String> env = new ArrayList<>();
        JsonNode e = root.path("process").path("env");
        if (e.isArray()) e.forEach(v -> env.add(v.asText()));
        return env;
    }

    /** process.env as a map; a later entry for the same name wins, like getenv after putenv. */
    Map<String, String> env() {
        return envMap(envList());
    }

    static Map<String, String> envMap(List<String> entries) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String s : entries) {
            int eq = s.indexOf('=');
            if (eq > 0) m.put(s.substring(0, eq), s.substring(eq + 1));
        }
        return m;
    }

    List<String> args() {
        List<String> args = new ArrayList<>();
        JsonNode a = root.path("process").path("args");
        if (a.isArray()) a.forEach(v -> args.add(v.asText()));
        return args;
    }

    /** process.cwd, "/" when unset. */
    String cwd() {
        String cwd = root.path("process").path("cwd").asText("");
        return cwd.isEmpty() ? "/" : cwd;
    }

    /** root.path: absolute as written (ctr run --rootfs), relative to the bundle, {@code <bundle>/rootfs} when unset. */
    Path rootfs() {
        String p = root.path("root").path("path").asText("");
        Path bundle = file.getParent();
        return p.isEmpty() ? bundle.resolve("rootfs") : bundle.resolve(p);
    }

    /** process.user uid/gid (0 when unset). */
    int uid() {
        return root.path("process").path("user").path("uid").asInt(0);
    }

    int gid() {
        return root.path("process").path("user").path("gid").asInt(0);
    }

    /** Host id of a container uid/gid under the spec's user namespace mappings (identity without). */
    int hostId(int id, String mappings) {
        JsonNode maps = root.path("linux").path(mappings);
        if (!maps.isArray() || maps.isEmpty()) return id;
        for (JsonNode m : maps) {
            long c = m.path("containerID").asLong(), h = m.path("hostID").asLong(), size = m.path("size").asLong();
            if (id >= c && id < c + size) return (int) (h + (id - c));
        }
        return -1;
    }

    /**
     * Sets these variables in process.env: an existing entry is replaced in place (duplicates of
     * it dropped), a new one appended. Writes config.json atomically, keeping its permissions.
     */
    void setEnv(Map<String, String> vars) throws IOException {
        ObjectNode process = root.has("process") && root.get("process").isObject()
                ? (ObjectNode) root.get("process") : root.putObject("process");
        ArrayNode out = JSON.createArrayNode();
        Map<String, String> pending = new LinkedHashMap<>(vars);
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String entry : envList()) {
            int eq = entry.indexOf('=');
            String key = eq > 0 ? entry.substring(0, eq) : entry;
            if (vars.containsKey(key)) {
                if (seen.add(key)) out.add(key + "=" + vars.get(key));
                pending.remove(key);
            } else {
                out.add(entry);
            }
        }
        pending.forEach((k, v) -> out.add(k + "=" + v));
        process.set("env", out);
        rewritten = true;
        write(JSON.writeValueAsBytes(root));
    }

    /** Puts the original bytes back if the file was rewritten. */
    void restore() throws IOException {
        if (!rewritten) return;
        write(original);
        rewritten = false;
    }

    private void write(byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".carrier-tmp");
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            perms = null;
        }
        try {
            Files.write(tmp, bytes);
            if (perms != null) Files.setPosixFilePermissions(tmp, perms);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write failed already; its error is the one to report
            }
        }
    }
}
