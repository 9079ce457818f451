package io.rune.shim.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerdConfigTest {
    private static final Path DIR = Path.of("/tmp/e2e-1");
    private static final Path SOCK = DIR.resolve("c.sock");
    private static final ContainerdVersion V16 = new ContainerdVersion(1, 6, 20);
    private static final ContainerdVersion V21 = new ContainerdVersion(2, 1, 9);

    @Test
    void withoutCriDisablesThePlugin() {
        assertEquals("""
                version = 2
                root = "/tmp/e2e-1/root"
                state = "/tmp/e2e-1/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri"]

                [grpc]
                  address = "/tmp/e2e-1/c.sock"

                [ttrpc]
                  address = "/tmp/e2e-1/c.sock.ttrpc"

                [debug]
                  level = "debug"
                """, ContainerdConfig.withoutCri().render(DIR, SOCK, V16));
    }

    @Test
    void version3ForContainerd2DisablesEveryCriPluginAndNri() {
        assertEquals("""
                version = 3
                root = "/tmp/e2e-1/root"
                state = "/tmp/e2e-1/state"
                disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "io.containerd.cri.v1.runtime"]

                [grpc]
                  address = "/tmp/e2e-1/c.sock"

                [ttrpc]
                  address = "/tmp/e2e-1/c.sock.ttrpc"

                [debug]
                  level = "debug"

                [plugins."io.containerd.nri.v1.nri"]
                  disable = true
                """, ContainerdConfig.withoutCri().render(DIR, SOCK, V21));
    }

    @Test
    void withCriKeepsThePluginAndAppendsTheTables() {
        String toml = ContainerdConfig.withCri("[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"overlayfs\"\n")
                .render(DIR, SOCK, V16);
        assertFalse(toml.contains("disabled_plugins"), toml);
        assertTrue(toml.startsWith("version = 2\nroot = \"/tmp/e2e-1/root\"\nstate = \"/tmp/e2e-1/state\"\n\n[grpc]\n"), toml);
        assertTrue(toml.endsWith("  level = \"debug\"\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"overlayfs\"\n"), toml);
    }

    @Test
    void parsesTheVersionLinesOfEachRelease() {
        assertEquals(V16, ContainerdVersion.parse("containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+deb12u3\n"));
        assertEquals(new ContainerdVersion(1, 7, 24),
                ContainerdVersion.parse("containerd github.com/containerd/containerd 1.7.24~ds1 1.7.24~ds1-6+deb13u1"));
        assertEquals(V21, ContainerdVersion.parse("containerd github.com/containerd/containerd/v2 2.1.9+unknown \n"));
        assertEquals(new ContainerdVersion(2, 0, 0), ContainerdVersion.parse("containerd github.com/containerd/containerd/v2 v2.0.0 abc"));
        assertEquals(2, V16.configVersion());
        assertEquals(3, V21.configVersion());
    }
}
