package io.rune.shim.carrier;

import io.rune.shim.formats.FormatException;
import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonArray;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bundle's config.json as far as the carrier reads and changes it: process args, env and cwd.
 * The original bytes are kept, so a failed step puts the file back exactly as it was; a rewrite
 * changes only {@code process.env} and keeps every other field, its order and its numbers (the
 * value tree keeps unknown fields and each number's lexeme).
 */
final class BundleSpec {
    private final Path file;
    private final byte[] original;
    private final JsonObject root;
    private boolean rewritten;

    private BundleSpec(Path file, byte[] original, JsonObject root) {
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
        JsonValue n;
        try {
            n = Json.parse(bytes, null);
        } catch (FormatException e) {
            throw CarrierException.invalid("malformed " + file + ": " + e.getMessage());
        }
        if (!(n instanceof JsonObject o)) throw CarrierException.invalid("malformed " + file + ": not a JSON object");
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
        return strings("process", "env");
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
        return strings("process", "args");
    }

    /** The scalar entries of the array at this path (empty when there is none). */
    private List<String> strings(String... path) {
        return root.at(path).flatMap(JsonValue::asArray).map(JsonArray::scalarTexts).orElseGet(List::of);
    }

    private String text(String... path) {
        return root.at(path).flatMap(JsonValue::scalarText).orElse("");
    }

    /** process.cwd, "/" when unset. */
    String cwd() {
        String cwd = text("process", "cwd");
        return cwd.isEmpty() ? "/" : cwd;
    }

    /** root.path: absolute as written (ctr run --rootfs), relative to the bundle, {@code <bundle>/rootfs} when unset. */
    Path rootfs() {
        String p = text("root", "path");
        Path bundle = file.getParent();
        return p.isEmpty() ? bundle.resolve("rootfs") : bundle.resolve(p);
    }

    /** process.user uid/gid (0 when unset). */
    int uid() {
        return (int) user().getLong("uid", 0); // a uint32; 4294967294 reads as -2, as an int cast gives
    }

    int gid() {
        return (int) user().getLong("gid", 0);
    }

    private JsonObject user() {
        return root.at("process", "user").flatMap(JsonValue::asObject).orElseGet(JsonObject::new);
    }

    /** Host id of a container uid/gid under the spec's user namespace mappings (identity without). */
    int hostId(int id, String mappings) {
        JsonArray maps = root.at("linux", mappings).flatMap(JsonValue::asArray).orElse(null);
        if (maps == null || maps.isEmpty()) return id;
        for (JsonValue v : maps) {
            JsonObject m = v.asObject().orElseGet(JsonObject::new);
            long c = m.getLong("containerID", 0), h = m.getLong("hostID", 0), size = m.getLong("size", 0);
            if (id >= c && id < c + size) return (int) (h + (id - c));
        }
        return -1;
    }

    /**
     * Sets these variables in process.env: an existing entry is replaced in place (duplicates of
     * it dropped), a new one appended. Writes config.json atomically, keeping its permissions.
     */
    void setEnv(Map<String, String> vars) throws IOException {
        JsonObject process = root.getObject("process").orElseGet(() -> root.putObject("process"));
        JsonArray out = new JsonArray();
        Map<String, String> pending = new LinkedHashMap<>(vars);
        Set<String> seen = new HashSet<>();
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
        process.put("env", out);
        rewritten = true;
        write(Json.writeBytes(root));
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
