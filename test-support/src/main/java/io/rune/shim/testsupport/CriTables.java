package io.rune.shim.testsupport;

import java.nio.file.Path;
import java.util.List;

/**
 * The CRI plugin's part of a private containerd's config.toml: opt dir, stream server, sandbox image,
 * the runtime handlers, CNI dirs. Config version 2 (containerd 1.x) keeps all of it under the one
 * plugin {@code io.containerd.grpc.v1.cri}; version 3 (2.x) splits it: images (snapshotter, sandbox
 * image) under {@code io.containerd.cri.v1.images}, runtimes and CNI under
 * {@code io.containerd.cri.v1.runtime}, only the stream server stays under {@code io.containerd.grpc.v1.cri}.
 *
 * @param base         the private containerd's dir (opt dir and CNI dirs below it)
 * @param sandboxImage the pause image reference
 * @param runtimes     the runtime handlers, the first one the default
 */
public record CriTables(Path base, String sandboxImage, List<RuntimeEntry> runtimes) {

    /**
     * One RuntimeClass handler.
     *
     * @param configPath a TOML file handed to the shim as CRI runtimeoptions.v1.Options{config_path};
     *                   empty for none (no options table)
     */
    public record RuntimeEntry(String name, String runtimeType, String configPath) {}

    /** containerd 1.x (config version 2). */
    public String version2() {
        String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
        return opt() + """

                [%1$s]
                  sandbox_image = "%2$s"
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                  enable_selinux = false
                %3$s
                [%1$s.containerd]
                  snapshotter = "overlayfs"
                  default_runtime_name = "%4$s"
                %5$s
                [%1$s.cni]
                  bin_dir = "%6$s/cni/bin"
                  conf_dir = "%6$s/cni/net.d"
                """.formatted(cri, sandboxImage, OOM_SCORE, runtimes.getFirst().name(), runtimeTables(cri + ".containerd"), base);
    }

    /** containerd 2.x (config version 3); 2.1 renamed the CNI bin_dir to a list, bin_dirs. */
    public String version3(ContainerdVersion version) {
        String images = "plugins.\"io.containerd.cri.v1.images\"";
        String runtime = "plugins.\"io.containerd.cri.v1.runtime\"";
        String cniBin = version.major() == 2 && version.minor() == 0
                ? "bin_dir = \"%s/cni/bin\"".formatted(base) : "bin_dirs = [\"%s/cni/bin\"]".formatted(base);
        return opt() + """

                [plugins."io.containerd.grpc.v1.cri"]
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"

                [%1$s]
                  snapshotter = "overlayfs"

                [%1$s.pinned_images]
                  sandbox = "%2$s"

                [%3$s]
                  enable_selinux = false
                %4$s
                [%3$s.containerd]
                  default_runtime_name = "%5$s"
                %6$s
                [%3$s.cni]
                  %7$s
                  conf_dir = "%8$s/cni/net.d"
                """.formatted(images, sandboxImage, runtime, OOM_SCORE, runtimes.getFirst().name(),
                runtimeTables(runtime + ".containerd"), cniBin, base);
    }

    private String opt() {
        return """
                [plugins."io.containerd.internal.v1.opt"]
                  path = "%s/opt"
                """.formatted(base);
    }

    // this machine refuses to lower oom_score_adj (EPERM even for root); the kubelet's -998 for
    // sandboxes is then clamped to containerd's own value
    private static final String OOM_SCORE = "  restrict_oom_score_adj = true\n";

    /** {@code [<containerd>.runtimes.<name>]} with its runtime_type, and its options table when it has a config path. */
    private String runtimeTables(String containerd) {
        StringBuilder b = new StringBuilder();
        for (RuntimeEntry r : runtimes) {
            b.append("\n[%s.runtimes.%s]\n  runtime_type = \"%s\"\n".formatted(containerd, r.name(), r.runtimeType()));
            if (!r.configPath().isEmpty()) {
                b.append("\n[%s.runtimes.%s.options]\n  ConfigPath = \"%s\"\n".formatted(containerd, r.name(), r.configPath()));
            }
        }
        return b.toString();
    }
}
