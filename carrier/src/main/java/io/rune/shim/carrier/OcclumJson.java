package io.rune.shim.carrier;

import io.rune.shim.formats.JsonArray;
import io.rune.shim.formats.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Occlum.json for one container: inclavare's defaults, overridden by the container's
 * {@code OCCLUM_*} env variables, with the entry point's directory as {@code entry_points}.
 */
final class OcclumJson {
    private static final Pattern SIZE = Pattern.compile("[0-9]+\\s*([KMGT]?B)?", Pattern.CASE_INSENSITIVE);

    /** env name → (section, key) of a size value. */
    private static final List<String[]> SIZES = List.of(
            new String[] {"OCCLUM_USER_SPACE_SIZE", "resource_limits", "user_space_size"},
            new String[] {"OCCLUM_KERNEL_SPACE_HEAP_SIZE", "resource_limits", "kernel_space_heap_size"},
            new String[] {"OCCLUM_KERNEL_SPACE_STACK_SIZE", "resource_limits", "kernel_space_stack_size"},
            new String[] {"OCCLUM_PROCESS_DEFAULT_STACK_SIZE", "process", "default_stack_size"},
            new String[] {"OCCLUM_PROCESS_DEFAULT_HEAP_SIZE", "process", "default_heap_size"},
            new String[] {"OCCLUM_PROCESS_DEFAULT_MMAP_SIZE", "process", "default_mmap_size"});

    private OcclumJson() {}

    /** The document without entry points (set later, once the rootfs is there). Bad values are InvalidArgument. */
    static JsonObject fromEnv(Map<String, String> env) throws CarrierException {
        JsonObject root = new JsonObject();
        JsonObject limits = root.putObject("resource_limits");
        limits.put("user_space_size", "256MB");
        limits.put("kernel_space_heap_size", "32MB");
        limits.put("kernel_space_stack_size", "1MB");
        limits.put("max_num_of_threads", 32);
        JsonObject process = root.putObject("process");
        process.put("default_stack_size", "4MB");
        process.put("default_heap_size", "32MB");
        process.put("default_mmap_size", "80MB");
        root.putArray("entry_points").add("/bin");
        JsonObject envs = root.putObject("env");
        envs.putArray("default").add("OCCLUM=yes");
        envs.putArray("untrusted").add("EXAMPLE");
        JsonObject meta = root.putObject("metadata");
        meta.put("product_id", 0);
        meta.put("version_number", 0);
        meta.put("debuggable", true);
        JsonArray mounts = root.putArray("mount");
        JsonObject union = mounts.addObject().put("target", "/").put("type", "unionfs");
        JsonArray layers = union.putObject("options").putArray("layers");
        layers.addObject().put("target", "/").put("type", "sefs").put("source", "./build/mount/__ROOT")
                .putObject("options").put("MAC", "");
        layers.addObject().put("target", "/").put("type", "sefs").put("source", "./run/mount/__ROOT");
        mounts.addObject().put("target", "/host").put("type", "hostfs").put("source", ".");
        mounts.addObject().put("target", "/proc").put("type", "procfs");
        mounts.addObject().put("target", "/dev").put("type", "devfs");

        for (String[] s : SIZES) {
            String v = env.get(s[0]);
            if (v == null || v.isEmpty()) continue;
            if (!SIZE.matcher(v.strip()).matches()) {
                throw CarrierException.invalid(s[0] + " \"" + v + "\" is not a size like 256MB, 1GB or 64KB");
            }
            root.getObject(s[1]).orElseThrow().put(s[2], v.strip().replace(" ", "").toUpperCase());
        }
        String threads = env.get("OCCLUM_MAX_NUM_OF_THREADS");
        if (threads != null && !threads.isEmpty()) {
            int n;
            try {
                n = Integer.parseInt(threads.strip());
            } catch (NumberFormatException e) {
                n = -1;
            }
            if (n <= 0) throw CarrierException.invalid("OCCLUM_MAX_NUM_OF_THREADS \"" + threads + "\" is not a positive integer");
            limits.put("max_num_of_threads", n);
        }
        String dflt = env.get("OCCLUM_DEFAULT_ENV");
        if (dflt != null) {
            JsonArray a = envs.putArray("default");
            for (String e : list(dflt)) {
                if (e.indexOf('=') <= 0) throw CarrierException.invalid("OCCLUM_DEFAULT_ENV entry \"" + e + "\" is not NAME=value");
                a.add(e);
            }
        }
        String untrusted = env.get("OCCLUM_UNTRUSTED_ENV");
        if (untrusted != null) {
            JsonArray a = envs.putArray("untrusted");
            for (String e : list(untrusted)) {
                if (e.contains("=")) throw CarrierException.invalid("OCCLUM_UNTRUSTED_ENV entry \"" + e + "\" must be a name, not NAME=value");
                a.add(e);
            }
        }
        String release = env.getOrDefault("OCCLUM_RELEASE_ENCLAVE", "").strip();
        switch (release) {
            case "", "0", "false" -> meta.put("debuggable", true);
            case "1", "true" -> meta.put("debuggable", false);
            default -> throw CarrierException.invalid("OCCLUM_RELEASE_ENCLAVE \"" + release + "\" must be 0 (debug enclave) or 1 (product enclave)");
        }
        return root;
    }

    static void setEntryPoints(JsonObject root, List<String> dirs) {
        root.put("entry_points", JsonArray.ofStrings(dirs));
    }

    /** Comma-separated list; blanks dropped. */
    private static List<String> list(String v) {
        List<String> out = new ArrayList<>();
        for (String s : v.split(",")) {
            if (!s.isBlank()) out.add(s.strip());
        }
        return out;
    }
}
