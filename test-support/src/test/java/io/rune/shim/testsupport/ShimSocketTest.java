package io.rune.shim.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ShimSocketTest {

    @Test
    void socketIsSha256OfAddressNamespaceAndId() {
        // printf '%s' /tmp/e2e-x/c.sock/e2e/ut-a-1 | sha256sum
        assertEquals(Path.of("/run/containerd/s/64307c3e68557b30b65a872e0407a4d3360f9983858329a3ed358a8f3e617772"),
                ShimSocket.of(Path.of("/tmp/e2e-x/c.sock"), "e2e", "ut-a-1"));
        assertEquals(Path.of("/run/containerd/s/dc085cc724f1ac819de1c095ad0e45ef76f6c46f9b411e0a026c2b989af784e1"),
                ShimSocket.of(Path.of("/tmp/e2e-x/c.sock"), "k8s.io", "ut-a-1"));
    }

    @Test
    void binaryNameComesFromTheLastTwoParts() {
        assertEquals("containerd-shim-rune-v2", ShimSocket.binaryName("io.containerd.rune.v2"));
        assertEquals("containerd-shim-runc-v2", ShimSocket.binaryName("io.containerd.runc.v2"));
    }
}
