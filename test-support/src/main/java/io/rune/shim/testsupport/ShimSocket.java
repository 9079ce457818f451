package io.rune.shim.testsupport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Where a shim of a containerd listens, and which binary containerd runs for a runtime type. */
public final class ShimSocket {
    public static final Path DIR = Path.of("/run/containerd/s");

    private ShimSocket() {}

    /** The socket path the Go shim derives: sha256 of {@code <containerd sock>/<namespace>/<id or group>} under {@link #DIR}. */
    public static Path of(Path address, String namespace, String id) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((address + "/" + namespace + "/" + id).getBytes(StandardCharsets.UTF_8));
            return DIR.resolve(HexFormat.of().formatHex(h));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The socket of containerd-shim-rune-v2's namespace-scope daemon: one per containerd address
     * and namespace, sha256 of {@code <containerd sock>/<namespace>} under {@link #DIR}.
     */
    public static Path ofNamespace(Path address, String namespace) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256")
                    .digest((address + "/" + namespace).getBytes(StandardCharsets.UTF_8));
            return DIR.resolve(HexFormat.of().formatHex(h));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The binary containerd looks up on its PATH for a runtime type: {@code io.containerd.rune.v2 -> containerd-shim-rune-v2}. */
    public static String binaryName(String runtimeType) {
        String[] parts = runtimeType.split("\\.");
        return "containerd-shim-" + parts[parts.length - 2] + "-" + parts[parts.length - 1];
    }
}
