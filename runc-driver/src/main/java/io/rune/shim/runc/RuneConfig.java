package io.rune.shim.runc;

/**
 * Global flags of every rune call: binary (name on PATH or a path), state root (already
 * including the namespace), the JSON log file, and the optional cgroup/CRIU flags.
 */
public record RuneConfig(String binary, String root, String logPath, boolean debug, String criuPath,
                         boolean systemdCgroup) {
    public static final String DEFAULT_BINARY = "rune";
    public static final String DEFAULT_ROOT = "/run/containerd/rune";
}
