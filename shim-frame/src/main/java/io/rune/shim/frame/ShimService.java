package io.rune.shim.frame;

import io.rune.shim.ttrpc.ServiceRegistry;

/**
 * What the daemon serves, from {@link ShimManager#serve}.
 *
 * @param registry the ttrpc services (the Task service, under the names containerd calls)
 * @param onStop   run once when the daemon stops (Shutdown or signal), after events were flushed
 *                 and the server closed
 */
public record ShimService(ServiceRegistry registry, Runnable onStop) {
    public ShimService(ServiceRegistry registry) {
        this(registry, () -> {});
    }
}
