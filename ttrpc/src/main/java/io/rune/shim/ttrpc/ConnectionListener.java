package io.rune.shim.ttrpc;

import jdk.net.UnixDomainPrincipal;

/**
 * Told when server connections open and close, e.g. so the shim can notice that containerd
 * went away. Called on the connection's reader or the accept thread: return quickly, don't throw.
 */
public interface ConnectionListener {

    ConnectionListener NONE = new ConnectionListener() {
    };

    /** A connection passed the peer check and is being served. */
    default void connectionOpened(long connectionId, UnixDomainPrincipal peer) {
    }

    /** A connection was closed (by either side); {@code remaining} are still open. */
    default void connectionClosed(long connectionId, int remaining) {
    }
}
