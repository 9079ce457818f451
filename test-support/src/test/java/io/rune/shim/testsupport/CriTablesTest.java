package io.rune.shim.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class CriTablesTest {
    private static final CriTables TABLES = new CriTables(Path.of("/tmp/c1"), "pause:1",
            List.of(new CriTables.RuntimeEntry("runc", "io.containerd.runc.v2", ""),
                    new CriTables.RuntimeEntry("rune", "io.containerd.rune.v2", "/tmp/c1/rune.toml")));

    @Test
    void version2KeepsEverythingUnderTheOneCriPlugin() {
        assertEquals("""
                [plugins."io.containerd.internal.v1.opt"]
                  path = "/tmp/c1/opt"

                [plugins."io.containerd.grpc.v1.cri"]
                  sandbox_image = "pause:1"
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"
                  enable_selinux = false
                  restrict_oom_score_adj = true

                [plugins."io.containerd.grpc.v1.cri".containerd]
                  snapshotter = "overlayfs"
                  default_runtime_name = "runc"

                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"

                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rune]
                  runtime_type = "io.containerd.rune.v2"

                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rune.options]
                  ConfigPath = "/tmp/c1/rune.toml"

                [plugins."io.containerd.grpc.v1.cri".cni]
                  bin_dir = "/tmp/c1/cni/bin"
                  conf_dir = "/tmp/c1/cni/net.d"
                """, TABLES.version2());
    }

    @Test
    void version3SplitsImagesAndRuntime() {
        assertEquals("""
                [plugins."io.containerd.internal.v1.opt"]
                  path = "/tmp/c1/opt"

                [plugins."io.containerd.grpc.v1.cri"]
                  stream_server_address = "127.0.0.1"
                  stream_server_port = "0"

                [plugins."io.containerd.cri.v1.images"]
                  snapshotter = "overlayfs"

                [plugins."io.containerd.cri.v1.images".pinned_images]
                  sandbox = "pause:1"

                [plugins."io.containerd.cri.v1.runtime"]
                  enable_selinux = false
                  restrict_oom_score_adj = true

                [plugins."io.containerd.cri.v1.runtime".containerd]
                  default_runtime_name = "runc"

                [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.runc]
                  runtime_type = "io.containerd.runc.v2"

                [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.rune]
                  runtime_type = "io.containerd.rune.v2"

                [plugins."io.containerd.cri.v1.runtime".containerd.runtimes.rune.options]
                  ConfigPath = "/tmp/c1/rune.toml"

                [plugins."io.containerd.cri.v1.runtime".cni]
                  bin_dirs = ["/tmp/c1/cni/bin"]
                  conf_dir = "/tmp/c1/cni/net.d"
                """, TABLES.version3(new ContainerdVersion(2, 1, 9)));
    }
}
