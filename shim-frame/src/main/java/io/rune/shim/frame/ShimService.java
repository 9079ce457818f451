package io.rune.shim.frame;

import java.util.function.BooleanSupplier;
import io.rune.shim.ttrpc.ServiceRegistry;

/**
 * What the daemon serves, from {@link ShimManager#serve}.
 *
 * @param registry the ttrpc services (the Task service, under the names containerd calls)
 * @param onStop   run once when the daemon stops (Shutdown or signal), after events were flushed
 *                 and the server closed
 * @param idle     whether nothing is left to serve (no container, none being created): a
 *                 namespace-scope daemon leaves only then
 */
public record ShimService(ServiceRegistry registry, Runnable onStop, BooleanSupplier idle) {
    public ShimService(ServiceRegistry registry, Runnable onStop) {
        this(registry, onStop, () -> true);
    }

    public ShimService(ServiceRegistry registry) {
        this(registry, () -> {});
    }
}
