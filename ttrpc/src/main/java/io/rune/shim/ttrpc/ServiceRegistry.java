package io.rune.shim.ttrpc;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Immutable map service name → method name → handler. Built once before serving, so lookups
 * from many connection threads need no locking.
 */
public final class ServiceRegistry {

    private final Map<String, Map<String, MethodHandler>> services;

    private ServiceRegistry(Map<String, Map<String, MethodHandler>> services) {
        Map<String, Map<String, MethodHandler>> copy = new HashMap<>();
        services.forEach((name, methods) -> copy.put(name, Map.copyOf(methods)));
        this.services = Map.copyOf(copy);
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean hasService(String service) {
        return services.containsKey(service);
    }

    /** The handler, or empty if the service or method is unknown (see {@link #hasService}). */
    public Optional<MethodHandler> find(String service, String method) {
        Map<String, MethodHandler> methods = services.get(service);
        return methods == null ? Optional.empty() : Optional.ofNullable(methods.get(method));
    }

    public Map<String, Map<String, MethodHandler>> services() {
        return services;
    }

    public static final class Builder {
        private final Map<String, Map<String, MethodHandler>> services = new HashMap<>();

        private Builder() {
        }

        /** Adds one method; registering the same service/method twice is a programming error. */
        public Builder add(String service, String method, MethodHandler handler) {
            Objects.requireNonNull(service, "service");
            Objects.requireNonNull(method, "method");
            Objects.requireNonNull(handler, "handler");
            MethodHandler previous = services.computeIfAbsent(service, s -> new HashMap<>()).putIfAbsent(method, handler);
            if (previous != null) {
                throw new IllegalArgumentException("duplicate handler for " + service + "/" + method);
            }
            return this;
        }

        /** Adds all methods of one service. */
        public Builder addService(String service, Map<String, MethodHandler> methods) {
            methods.forEach((method, handler) -> add(service, method, handler));
            return this;
        }

        public ServiceRegistry build() {
            return new ServiceRegistry(services);
        }
    }
}
