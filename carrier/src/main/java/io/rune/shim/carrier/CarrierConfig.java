package io.rune.shim.carrier;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
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
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CarrierConfig(
        @JsonProperty("log_level") String logLevel,
        @JsonProperty("sgx_tool_sign") String sgxToolSign,
        @JsonProperty("containerd") Containerd containerd,
        @JsonProperty("epm") Epm epm,
        @JsonProperty("signature") Signature signature,
        @JsonProperty("enclave_runtime") EnclaveRuntime enclaveRuntime) {

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
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Containerd(@JsonProperty("socket") String socket) {
        public Containerd {
            socket = or(socket, "/run/containerd/containerd.sock");
        }
    }

    /** {@code [epm]}: the enclave pool manager socket; read for compatibility, not used (no EPM cache). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Epm(@JsonProperty("socket") String socket) {
        public Epm {
            socket = or(socket, "/var/run/epm/epm.sock");
        }
    }

    /**
     * {@code [signature]}: {@code server_address} (empty = sign locally), {@code timeout_seconds}
     * for each HTTP call, {@code private_key}: PEM RSA-3072/e=3 key for local signing (empty = a
     * fresh key per container).
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Signature(@JsonProperty("server_address") String serverAddress,
                            @JsonProperty("timeout_seconds") Double timeoutSeconds,
                            @JsonProperty("private_key") String privateKey) {
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
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record EnclaveRuntime(@JsonProperty("signature_method") String signatureMethod,
                                 @JsonProperty("work_dir") String workDir,
                                 @JsonProperty("tool_timeout_seconds") Double toolTimeoutSeconds,
                                 @JsonProperty("occlum") Occlum occlum,
                                 @JsonProperty("graphene") Graphene graphene) {
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
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Occlum(@JsonProperty("enclave_runtime_path") String enclaveRuntimePath,
                         @JsonProperty("enclave_libos_path") String enclaveLibosPath,
                         @JsonProperty("occlum_bin_dir") String occlumBinDir) {
        public Occlum {
            enclaveRuntimePath = or(enclaveRuntimePath, "");
            enclaveLibosPath = or(enclaveLibosPath, "build/lib/libocclum-libos.so");
            occlumBinDir = or(occlumBinDir, "/opt/occlum/build/bin");
        }
    }

    /** {@code [enclave_runtime.graphene]}: see the README's Graphene/Gramine tool contract. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Graphene(@JsonProperty("enclave_runtime_path") String enclaveRuntimePath,
                           @JsonProperty("sign_tool") String signTool,
                           @JsonProperty("token_tool") String tokenTool,
                           @JsonProperty("libos_path") String libosPath,
                           @JsonProperty("libpal_path") String libpalPath,
                           @JsonProperty("trusted_dirs") List<String> trustedDirs,
                           @JsonProperty("allowed_files") List<String> allowedFiles,
                           @JsonProperty("enclave_size") String enclaveSize,
                           @JsonProperty("max_threads") Integer maxThreads) {
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
        CarrierConfig c;
        try {
            c = new TomlMapper().readValue(text, CarrierConfig.class);
        } catch (JacksonException e) {
            int line = lineOf(e, text);
            String what = e.getOriginalMessage();
            if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) what = "key " + dotted(keys(m)) + ": " + what;
            throw CarrierException.precondition(source + (line > 0 ? " line " + line : "") + ": " + firstLine(what));
        }
        if (c == null) return defaults();
        c.validate(text, source);
        return c;
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

    private static int lineOf(JacksonException e, String text) {
        JsonLocation loc = e.getLocation();
        if (loc != null && loc.getLineNr() > 0) return loc.getLineNr();
        // Binding errors come from the parsed tree, without a location: find the key in the text.
        if (e instanceof JsonMappingException m) return locate(text, keys(m));
        return -1;
    }

    private static List<String> keys(JsonMappingException m) {
        List<String> keys = new ArrayList<>();
        for (JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) keys.add(r.getFieldName());
        }
        return keys;
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

    private static String firstLine(String s) {
        if (s == null) return "malformed TOML";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String or(String v, String dflt) {
        return v == null || v.isBlank() ? dflt : v;
    }
}
