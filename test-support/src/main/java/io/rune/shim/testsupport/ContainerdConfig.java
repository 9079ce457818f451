package io.rune.shim.testsupport;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The config.toml of a private containerd: root, state and sockets in its own dir, debug log; either
 * without the CRI plugin, or with it and the suite's plugin tables (runtimes, sandbox image, CNI dirs).
 * Rendered in the config version the containerd release reads natively: 2 for 1.x, 3 for 2.x (whose
 * CRI is split into several plugins with new ids).
 *
 * @param cri          whether the CRI plugin runs
 * @param pluginTables TOML tables appended as they are (empty for none); they must be written for
 *                     the release the config is rendered for
 */
public record ContainerdConfig(boolean cri, String pluginTables) {
    /** The CRI plugins of 1.x: one. */
    private static final List<String> CRI_1 = List.of("io.containerd.grpc.v1.cri");
    /** The CRI plugins of 2.x: the gRPC service, the runtime side and the image side. */
    private static final List<String> CRI_2 = List.of("io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images",
            "io.containerd.cri.v1.runtime");

    /** CRI plugin off, nothing else: for a suite that drives containerd with ctr only. */
    public static ContainerdConfig withoutCri() {
        return new ContainerdConfig(false, "");
    }

    /** CRI plugin on, configured by the given tables. */
    public static ContainerdConfig withCri(String pluginTables) {
        return new ContainerdConfig(true, pluginTables);
    }

    /** The file's text for a containerd of this release whose dir and gRPC socket are these. */
    public String render(Path dir, Path address, ContainerdVersion version) {
        String disabled = cri ? "" : "disabled_plugins = [" + (version.atLeast2() ? CRI_2 : CRI_1).stream()
                .map(p -> "\"" + p + "\"").collect(Collectors.joining(", ")) + "]\n";
        return """
                version = %4$d
                root = "%1$s/root"
                state = "%1$s/state"
                %3$s
                [grpc]
                  address = "%2$s"

                [ttrpc]
                  address = "%2$s.ttrpc"

                [debug]
                  level = "debug"
                """.formatted(dir, address, disabled, version.configVersion())
                + (version.atLeast2() ? NRI_OFF : "")
                + (pluginTables.isEmpty() ? "" : "\n" + pluginTables);
    }

    /**
     * 2.x enables NRI by default, which binds the node-wide /var/run/nri/nri.sock: a private
     * containerd must not (1.7 has it off by default).
     */
    private static final String NRI_OFF = """

            [plugins."io.containerd.nri.v1.nri"]
              disable = true
            """;
}
