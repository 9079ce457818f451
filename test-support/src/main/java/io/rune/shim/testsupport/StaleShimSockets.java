package io.rune.shim.testsupport;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Shim sockets in {@link ShimSocket#DIR} that appeared during a suite and that nothing listens on any
 * more. containerd 2.x's runc shim (the reference) leaves its socket behind when it exits (it removes it
 * only when it finds the bundle's address file, which it no longer writes): the suite removes those, so
 * that a run leaves the machine's /run/containerd/s as it found it. Only dead sockets are touched, and
 * only ones that were not there when the suite began.
 */
public final class StaleShimSockets {
    private final Set<String> before;

    private StaleShimSockets(Set<String> before) {
        this.before = before;
    }

    /** Notes the sockets there now. */
    public static StaleShimSockets snapshot() {
        return new StaleShimSockets(Set.copyOf(names()));
    }

    /** Removes the sockets made since the snapshot that refuse connections; logs each with the tag. */
    public void removeNew(String tag) {
        for (String name : names()) {
            Path p = ShimSocket.DIR.resolve(name);
            if (!before.contains(name) && !name.isEmpty() && p.getParent().equals(ShimSocket.DIR) && dead(p)) {
                try {
                    Files.deleteIfExists(p);
                    System.err.println(tag + " removed stale shim socket " + p + " (no listener; left by an exited shim)");
                } catch (IOException e) {
                    System.err.println(tag + " cannot remove stale shim socket " + p + ": " + e);
                }
            }
        }
    }

    private static boolean dead(Path socket) {
        if (Files.isDirectory(socket) || Files.isSymbolicLink(socket)) return false;
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return false;
        } catch (IOException e) {
            return e.getMessage() != null && e.getMessage().contains("Connection refused");
        }
    }

    private static List<String> names() {
        try (Stream<Path> s = Files.list(ShimSocket.DIR)) {
            return s.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
