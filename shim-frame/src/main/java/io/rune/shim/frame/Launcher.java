package io.rune.shim.frame;

import java.util.List;

/**
 * How to start this program again (the daemon is the same program without an action word):
 * the installed launcher exports its own path in the variable the runtime names; without it,
 * the running JVM's command line is reused.
 */
final class Launcher {
    private Launcher() {}

    static List<String> command(Relaunch how) {
        String launcher = System.getenv(how.launcherVariable());
        if (launcher != null && !launcher.isEmpty()) return List.of(launcher);
        ProcessHandle.Info info = ProcessHandle.current().info();
        String java = info.command().orElse("java");
        return List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                how.mainClass());
    }
}
