package io.rune.shim.ttrpc;

import java.net.UnixDomainSocketAddress;

/**
 * Parses the socket address forms containerd uses: a plain path ({@code TTRPC_ADDRESS}) or
 * {@code unix://} followed by the path (shim addresses, e.g. {@code unix:///run/x.sock}).
 */
public final class UnixAddress {

    private static final String SCHEME = "unix://";

    private UnixAddress() {
    }

    public static UnixDomainSocketAddress parse(String address) {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("ttrpc: empty socket address");
        }
        String path = address.startsWith(SCHEME) ? address.substring(SCHEME.length()) : address;
        if (path.isEmpty() || path.contains("://")) {
            throw new IllegalArgumentException("ttrpc: not a unix socket address: " + address);
        }
        return UnixDomainSocketAddress.of(path);
    }
}
