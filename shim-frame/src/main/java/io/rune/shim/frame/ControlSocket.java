package io.rune.shim.frame;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Where a namespace-scope daemon listens for the launcher (docs/launcher.md):
 * {@code <dir>/rune-<fnv1a64(address + "\n" + namespace)>.ctl}, dir {@code /run/containerd/s}
 * unless {@code RUNE_SHIM_CONTROL_DIR} names another (tests). FNV-1a because the C launcher
 * computes the same path with a few lines and no library; a collision cannot misroute a request,
 * as the daemon checks the request's address and namespace against its own.
 */
public final class ControlSocket {
    public static final String DIR_VARIABLE = "RUNE_SHIM_CONTROL_DIR";
    private static final long FNV_OFFSET = 0xcbf29ce484222325L, FNV_PRIME = 0x100000001b3L;

    private ControlSocket() {}

    public static Path path(String containerdAddress, String namespace) {
        String dir = System.getenv(DIR_VARIABLE);
        return Path.of(dir == null || dir.isEmpty() ? SocketAddress.SOCKET_DIR : dir,
                "rune-" + String.format("%016x", fnv1a64(containerdAddress + "\n" + namespace)) + ".ctl");
    }

    static long fnv1a64(String s) {
        long h = FNV_OFFSET;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= FNV_PRIME;
        }
        return h;
    }
}
