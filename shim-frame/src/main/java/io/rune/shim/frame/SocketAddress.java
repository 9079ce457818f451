package io.rune.shim.frame;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where a shim group's socket lives, derived exactly as containerd-shim-runc-v2 does:
 * {@code /run/containerd/s/<sha256(clean(address/namespace/group))>}.
 */
public final class SocketAddress {
    public static final String SOCKET_DIR = "/run/containerd/s";

    private SocketAddress() {}

    public static Path socketPath(String containerdAddress, String namespace, String group) {
        String joined = Path.of(containerdAddress, namespace, group).normalize().toString();
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(joined.getBytes(StandardCharsets.UTF_8));
            return Path.of(SOCKET_DIR, HexFormat.of().formatHex(d));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String uri(Path socket) {
        return "unix://" + socket;
    }

    /** The path of a {@code unix://} address (plain paths are passed through). */
    public static Path pathOf(String address) {
        return Path.of(address.startsWith("unix://") ? address.substring("unix://".length()) : address);
    }
}
