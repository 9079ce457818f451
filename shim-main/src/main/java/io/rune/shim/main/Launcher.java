package io.rune.shim.main;

import java.util.List;

/**
 * How to start this program again (the daemon is the same program without an action word):
 * the installed launcher exports its own path in CONTAINERD_SHIM_RUNE_LAUNCHER; without it,
 * the running JVM's command line is reused.
 */
final class Launcher {
    static final String ENV = "CONTAINERD_SHIM_RUNE_LAUNCHER";

    private Launcher() {}

    static List<String> command() {
        String launcher = System.getenv(ENV);
        if (launcher != null && !launcher.isEmpty()) return List.of(launcher);
        ProcessHandle.Info info = ProcessHandle.current().info();
        String java = info.command().orElse("java");
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Main.class.getName());
    }
}
