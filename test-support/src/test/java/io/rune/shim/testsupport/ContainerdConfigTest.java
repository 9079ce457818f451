package io.rune.shim.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerdConfigTest {
    private static final Path DIR = Path.of("/tmp/e2e-1");
    private static final Path SOCK = DIR.resolve("c.sock");

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
                """, ContainerdConfig.withoutCri().render(DIR, SOCK));
    }

    @Test
    void withCriKeepsThePluginAndAppendsTheTables() {
        String toml = ContainerdConfig.withCri("[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"overlayfs\"\n")
                .render(DIR, SOCK);
        assertTrue(!toml.contains("disabled_plugins"), toml);
        assertTrue(toml.startsWith("version = 2\nroot = \"/tmp/e2e-1/root\"\nstate = \"/tmp/e2e-1/state\"\n\n[grpc]\n"), toml);
        assertTrue(toml.endsWith("  level = \"debug\"\n\n[plugins.\"io.containerd.grpc.v1.cri\".containerd]\n  snapshotter = \"overlayfs\"\n"), toml);
    }
}
