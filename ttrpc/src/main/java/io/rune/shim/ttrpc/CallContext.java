package io.rune.shim.ttrpc;

import io.rune.shim.api.ttrpc.KeyValue;
import io.rune.shim.api.ttrpc.Request;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a handler knows about the call besides its payload.
 *
 * @param service      full service name, e.g. {@code containerd.task.v2.Task}
 * @param method       method name, e.g. {@code Create}
 * @param metadata     request metadata, keys lower-cased (Go lower-cases them when sending; 1.7
 *                     sends {@code containerd-namespace-ttrpc}); a key may repeat, so values are lists
 * @param deadline     derived from {@code timeout_nano} when the caller set one. The server never
 *                     answers by itself when it passes (Go does not either); handlers may use it.
 * @param streamId     the request's stream id (unsigned 32-bit in an int)
 * @param connectionId the server's id for the connection, for logs
 */
public record CallContext(String service, String method, Map<String, List<String>> metadata,
                          Optional<Instant> deadline, int streamId, long connectionId) {

    public CallContext {
        metadata = Map.copyOf(metadata);
    }

    /** Builds the context for a decoded request received at {@code now}. */
    static CallContext of(Request request, int streamId, long connectionId, Instant now) {
        Map<String, List<String>> md = new LinkedHashMap<>();
        for (KeyValue kv : request.getMetadataList()) {
            md.computeIfAbsent(kv.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(kv.getValue());
        }
        md.replaceAll((k, v) -> List.copyOf(v));
        Optional<Instant> deadline = request.getTimeoutNano() > 0
                ? Optional.of(now.plus(Duration.ofNanos(request.getTimeoutNano())))
                : Optional.empty();
        return new CallContext(request.getService(), request.getMethod(), md, deadline, streamId, connectionId);
    }

    /** First value of a metadata key (case-insensitive), if present. */
    public Optional<String> metadataValue(String key) {
        List<String> values = metadata.get(key.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** {@code service/method}, the form used in log lines. */
    public String fullMethod() {
        return service + "/" + method;
    }
}
