package io.rune.shim.testsupport;

import java.nio.file.Path;

/**
 * The config.toml of a private containerd: root, state and sockets in its own dir, debug log; either
 * without the CRI plugin, or with it and the suite's plugin tables (runtimes, sandbox image, CNI dirs).
 *
 * @param cri          whether the CRI plugin runs
 * @param pluginTables TOML tables appended as they are (empty for none)
 */
public record ContainerdConfig(boolean cri, String pluginTables) {

    /** CRI plugin off, nothing else: for a suite that drives containerd with ctr only. */
    public static ContainerdConfig withoutCri() {
        return new ContainerdConfig(false, "");
    }

    /** CRI plugin on, configured by the given tables. */
    public static ContainerdConfig withCri(String pluginTables) {
        return new ContainerdConfig(true, pluginTables);
    }

    /** The file's text for a containerd whose dir and gRPC socket are these. */
    public String render(Path dir, Path address) {
        return """
                version = 2
                root = "%1$s/root"
                state = "%1$s/state"
                %3$s
                [grpc]
                  address = "%2$s"

                [ttrpc]
                  address = "%2$s.ttrpc"

                [debug]
                  level = "debug"
                """.formatted(dir, address, cri ? "" : "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n")
                + (pluginTables.isEmpty() ? "" : "\n" + pluginTables);
    }
}
