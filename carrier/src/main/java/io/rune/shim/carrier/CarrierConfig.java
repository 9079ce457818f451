package io.rune.shim.carrier;

import io.rune.shim.formats.FormatException;
import io.rune.shim.formats.JsonArray;
import io.rune.shim.formats.JsonNumber;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonString;
import io.rune.shim.formats.JsonValue;
import io.rune.shim.formats.Toml;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code /etc/inclavare-containers/config.toml}: inclavare's keys plus the ones this shim's
 * pipelines need. A missing or empty file means all defaults; a malformed one is an error that
 * names the file and the line. Unknown keys are ignored (newer or older files keep working).
 * Values are read loosely where that cannot mislead: a number or boolean where text is expected
 * reads as its text, a quoted number where a number is expected as that number.
 */
public record CarrierConfig(String logLevel, String sgxToolSign, Containerd containerd, Epm epm, Signature signature,
                            EnclaveRuntime enclaveRuntime) {

    public static final Path DEFAULT_PATH = Path.of("/etc/inclavare-containers/config.toml");

    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "warning", "error", "fatal", "panic");

    public CarrierConfig {
        logLevel = or(logLevel, "info");
        sgxToolSign = or(sgxToolSign, "/opt/intel/sgxsdk/bin/x64/sgx_sign");
        if (containerd == null) containerd = new Containerd(null);
        if (epm == null) epm = new Epm(null);
        if (signature == null) signature = new Signature(null, null, null);
        if (enclaveRuntime == null) enclaveRuntime = new EnclaveRuntime(null, null, null, null, null);
    }

    /** {@code [containerd]}: read for compatibility, not used by the carrier. */
    public record Containerd(String socket) {
        public Containerd {
            socket = or(socket, "/run/containerd/containerd.sock");
        }
    }

    /** {@code [epm]}: the enclave pool manager socket; read for compatibility, not used (no EPM cache). */
    public record Epm(String socket) {
        public Epm {
            socket = or(socket, "/var/run/epm/epm.sock");
        }
    }

    /**
     * {@code [signature]}: {@code server_address} (empty = sign locally), {@code timeout_seconds}
     * for each HTTP call, {@code private_key}: PEM RSA-3072/e=3 key for local signing (empty = a
     * fresh key per container).
     */
    public record Signature(String serverAddress, Double timeoutSeconds, String privateKey) {
        public Signature {
            serverAddress = or(serverAddress, "");
            if (timeoutSeconds == null) timeoutSeconds = 30.0;
            privateKey = or(privateKey, "");
        }

        public Duration timeout() {
            return Duration.ofMillis(Math.round(timeoutSeconds * 1000));
        }
    }

    /**
     * {@code [enclave_runtime]}: {@code signature_method} = server (the shim builds and signs) |
     * client (the image carries a signed enclave); {@code work_dir} holds the per-container build
     * workspace; {@code tool_timeout_seconds} bounds each tool run.
     */
    public record EnclaveRuntime(String signatureMethod, String workDir, Double toolTimeoutSeconds, Occlum occlum,
                                 Graphene graphene) {
        public EnclaveRuntime {
            signatureMethod = or(signatureMethod, "server");
            workDir = or(workDir, "/var/tmp");
            if (toolTimeoutSeconds == null) toolTimeoutSeconds = 600.0;
            if (occlum == null) occlum = new Occlum(null, null, null);
            if (graphene == null) graphene = new Graphene(null, null, null, null, null, null, null, null, null);
        }

        public boolean clientSigned() {
            return signatureMethod.equals("client");
        }

        public Duration toolTimeout() {
            return Duration.ofMillis(Math.round(toolTimeoutSeconds * 1000));
        }
    }

    /**
     * {@code [enclave_runtime.occlum]}: {@code enclave_runtime_path} = ENCLAVE_RUNTIME_PATH given to
     * rune (empty = {@code <cwd>/liberpal-occlum.so}); {@code enclave_libos_path} = the unsigned
     * libos to sign, absolute (host) or relative to the built instance; {@code occlum_bin_dir} holds
     * the {@code occlum} CLI.
     */
    public record Occlum(String enclaveRuntimePath, String enclaveLibosPath, String occlumBinDir) {
        public Occlum {
            enclaveRuntimePath = or(enclaveRuntimePath, "");
            enclaveLibosPath = or(enclaveLibosPath, "build/lib/libocclum-libos.so");
            occlumBinDir = or(occlumBinDir, "/opt/occlum/build/bin");
        }
    }

    /** {@code [enclave_runtime.graphene]}: see the README's Graphene/Gramine tool contract. */
    public record Graphene(String enclaveRuntimePath, String signTool, String tokenTool, String libosPath, String libpalPath,
                           List<String> trustedDirs, List<String> allowedFiles, String enclaveSize, Integer maxThreads) {
        public Graphene {
            enclaveRuntimePath = or(enclaveRuntimePath, "");
            signTool = or(signTool, "/usr/bin/gramine-sgx-sign");
            tokenTool = or(tokenTool, "");
            libosPath = or(libosPath, "/usr/lib/x86_64-linux-gnu/gramine/libsysdb.so");
            libpalPath = or(libpalPath, "");
            trustedDirs = trustedDirs == null ? List.of("/lib", "/lib64", "/usr/lib", "/usr/lib64") : List.copyOf(trustedDirs);
            allowedFiles = allowedFiles == null ? List.of("/etc/hosts", "/etc/hostname", "/etc/resolv.conf") : List.copyOf(allowedFiles);
            enclaveSize = or(enclaveSize, "256M");
            if (maxThreads == null) maxThreads = 16;
        }
    }

    public static CarrierConfig defaults() {
        return new CarrierConfig(null, null, null, null, null, null);
    }

    /** Reads the file; missing or empty = {@link #defaults()}. Errors are FAILED_PRECONDITION naming the line. */
    public static CarrierConfig load(Path path) throws CarrierException {
        String text;
        try {
            text = Files.readString(path);
        } catch (NoSuchFileException e) {
            return defaults();
        } catch (IOException e) {
            throw CarrierException.precondition("cannot read " + path + ": " + e.getMessage());
        }
        return parse(text, path.toString());
    }

    static CarrierConfig parse(String text, String source) throws CarrierException {
        if (text.isBlank()) return defaults();
        JsonObject root;
        try {
            root = Toml.parse(text);
        } catch (FormatException e) {
            throw CarrierException.precondition(source + " line " + e.line() + ": " + e.reason());
        }
        CarrierConfig c;
        try {
            c = read(new Table(root, List.of()));
        } catch (BadKey e) {
            int line = locate(text, e.keys);
            throw CarrierException.precondition(source + (line > 0 ? " line " + line : "") + ": key " + dotted(e.keys) + ": " + e.getMessage());
        }
        c.validate(text, source);
        return c;
    }

    /** The records from the tables; a key left out is null here, so the records' defaults apply. */
    private static CarrierConfig read(Table top) throws BadKey {
        Table signature = top.table("signature");
        Table runtime = top.table("enclave_runtime");
        Table occlum = runtime.table("occlum");
        Table graphene = runtime.table("graphene");
        return new CarrierConfig(top.string("log_level"), top.string("sgx_tool_sign"),
                new Containerd(top.table("containerd").string("socket")),
                new Epm(top.table("epm").string("socket")),
                new Signature(signature.string("server_address"), signature.number("timeout_seconds"), signature.string("private_key")),
                new EnclaveRuntime(runtime.string("signature_method"), runtime.string("work_dir"), runtime.number("tool_timeout_seconds"),
                        new Occlum(occlum.string("enclave_runtime_path"), occlum.string("enclave_libos_path"), occlum.string("occlum_bin_dir")),
                        new Graphene(graphene.string("enclave_runtime_path"), graphene.string("sign_tool"), graphene.string("token_tool"),
                                graphene.string("libos_path"), graphene.string("libpal_path"), graphene.strings("trusted_dirs"),
                                graphene.strings("allowed_files"), graphene.string("enclave_size"), graphene.integer("max_threads"))));
    }

    /** A key whose value has the wrong type; the message says what was expected. */
    private static final class BadKey extends Exception {
        final List<String> keys;

        BadKey(List<String> keys, String why) {
            super(why, null, false, false);
            this.keys = keys;
        }
    }

    /** Typed reads of one table; {@code path} is its key path, for errors. A missing key reads as null. */
    private record Table(JsonObject table, List<String> path) {
        /** The sub-table {@code key}; an empty one when missing. */
        Table table(String key) throws BadKey {
            JsonValue v = table.get(key).orElse(null);
            if (v == null) return new Table(new JsonObject(), keys(key));
            if (v instanceof JsonObject o) return new Table(o, keys(key));
            throw new BadKey(keys(key), "expected a table, got " + describe(v));
        }

        String string(String key) throws BadKey {
            JsonValue v = table.get(key).orElse(null);
            if (v == null) return null;
            if (v instanceof JsonObject || v instanceof JsonArray) throw new BadKey(keys(key), "expected a string, got " + describe(v));
            return v.scalarText().orElse(null);
        }

        Double number(String key) throws BadKey {
            JsonValue v = table.get(key).orElse(null);
            if (v == null) return null;
            try {
                if (v instanceof JsonNumber n) return n.asDouble();
                if (v instanceof JsonString s) return new JsonNumber(s.value().strip()).asDouble();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new BadKey(keys(key), "expected a number, got " + describe(v));
            }
            throw new BadKey(keys(key), "expected a number, got " + describe(v));
        }

        Integer integer(String key) throws BadKey {
            JsonValue v = table.get(key).orElse(null);
            if (v == null) return null;
            try {
                if (v instanceof JsonNumber n && n.isIntegral()) return n.asInt();
                if (v instanceof JsonString s) return new JsonNumber(s.value().strip()).asInt();
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw new BadKey(keys(key), "expected an integer, got " + describe(v));
            }
            throw new BadKey(keys(key), "expected an integer, got " + describe(v));
        }

        List<String> strings(String key) throws BadKey {
            JsonValue v = table.get(key).orElse(null);
            if (v == null) return null;
            if (!(v instanceof JsonArray a)) throw new BadKey(keys(key), "expected an array of strings, got " + describe(v));
            List<String> out = new ArrayList<>(a.size());
            for (JsonValue e : a) {
                if (e instanceof JsonObject || e instanceof JsonArray) throw new BadKey(keys(key), "expected an array of strings, got " + describe(e) + " in it");
                out.add(e.scalarText().orElse(""));
            }
            return out;
        }

        private List<String> keys(String key) {
            List<String> k = new ArrayList<>(path);
            k.add(key);
            return k;
        }

        private static String describe(JsonValue v) {
            return switch (v) {
                case JsonObject o -> "a table";
                case JsonArray a -> "an array";
                case JsonString s -> "the string \"" + s.value() + "\"";
                case JsonNumber n -> (n.isIntegral() ? "the integer " : "the float ") + n.lexeme();
                default -> v.kind() + " " + v;
            };
        }
    }

    private void validate(String text, String source) throws CarrierException {
        if (!LOG_LEVELS.contains(logLevel)) {
            throw bad(text, source, List.of("log_level"), "log_level must be one of trace, debug, info, warn, error, got \"" + logLevel + "\"");
        }
        String m = enclaveRuntime.signatureMethod();
        if (!m.equals("server") && !m.equals("client")) {
            throw bad(text, source, List.of("enclave_runtime", "signature_method"),
                    "signature_method must be \"server\" or \"client\", got \"" + m + "\"");
        }
        if (!(signature.timeoutSeconds() > 0)) {
            throw bad(text, source, List.of("signature", "timeout_seconds"), "timeout_seconds must be > 0");
        }
        if (!(enclaveRuntime.toolTimeoutSeconds() > 0)) {
            throw bad(text, source, List.of("enclave_runtime", "tool_timeout_seconds"), "tool_timeout_seconds must be > 0");
        }
        if (!signature.serverAddress().isEmpty()) {
            String why = null;
            try {
                URI u = URI.create(signature.serverAddress());
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    why = "server_address must be an http:// or https:// URL";
                }
            } catch (IllegalArgumentException e) {
                why = "server_address is not a URL: " + e.getMessage();
            }
            if (why != null) throw bad(text, source, List.of("signature", "server_address"), why + ", got \"" + signature.serverAddress() + "\"");
        }
        if (enclaveRuntime.graphene().maxThreads() <= 0) {
            throw bad(text, source, List.of("enclave_runtime", "graphene", "max_threads"), "max_threads must be > 0");
        }
    }

    private static CarrierException bad(String text, String source, List<String> key, String why) {
        int line = locate(text, key);
        return CarrierException.precondition(source + (line > 0 ? " line " + line : "") + ": " + why);
    }

    private static String dotted(List<String> keys) {
        return String.join(".", keys);
    }

    /** The 1-based line that defines {@code key} (a table header or a key), -1 when not found. */
    static int locate(String text, List<String> key) {
        String want = dotted(key);
        String table = "";
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.startsWith("[")) {
                int end = l.indexOf(']');
                table = normalize(l.substring(l.startsWith("[[") ? 2 : 1, end < 0 ? l.length() : end));
                if (table.equals(want)) return i + 1;
                continue;
            }
            int eq = l.indexOf('=');
            if (eq <= 0 || l.startsWith("#")) continue;
            String k = normalize(l.substring(0, eq));
            String full = table.isEmpty() ? k : table + "." + k;
            if (full.equals(want)) return i + 1;
        }
        return -1;
    }

    private static String normalize(String key) {
        StringBuilder sb = new StringBuilder();
        for (String part : key.split("\\.")) {
            String p = part.strip();
            if (p.length() >= 2 && (p.startsWith("\"") && p.endsWith("\"") || p.startsWith("'") && p.endsWith("'"))) {
                p = p.substring(1, p.length() - 1);
            }
            if (!sb.isEmpty()) sb.append('.');
            sb.append(p);
        }
        return sb.toString();
    }

    private static String or(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v;
    }
}
