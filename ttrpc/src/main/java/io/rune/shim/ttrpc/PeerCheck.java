package io.rune.shim.ttrpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.attribute.UserPrincipal;

import jdk.net.UnixDomainPrincipal;

/**
 * Decides at accept time whether a connecting peer may talk to the server. A refused peer is
 * disconnected without any reply, as the Go ttrpc handshake does.
 */
@FunctionalInterface
public interface PeerCheck {

    /** @param peer the peer's uid/gid from {@code SO_PEERCRED} */
    boolean permits(UnixDomainPrincipal peer);

    /**
     * The default (and containerd's) policy: the peer must have this process's effective uid
     * and gid.
     *
     * @throws UncheckedIOException if the process's own ids cannot be determined
     */
    static PeerCheck sameUser() {
        try {
            return SameUserPeerCheck.ofCurrentProcess();
        } catch (IOException e) {
            throw new UncheckedIOException("ttrpc: cannot determine own uid/gid", e);
        }
    }

    /** Describes a peer for log lines. */
    static String describe(UnixDomainPrincipal peer) {
        UserPrincipal user = peer.user();
        return "uid=" + user.getName() + " gid=" + peer.group().getName();
    }
}
