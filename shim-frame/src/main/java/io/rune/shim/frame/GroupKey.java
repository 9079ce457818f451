package io.rune.shim.frame;

import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonObject;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Which daemon a container joins: the first grouping annotation of its spec, else its own id.
 * This runs on the start path of every container; a spec is a few KiB, so the whole tree is read.
 */
public final class GroupKey {
    private static final String[] LABELS = {"io.containerd.runc.v2.group", "io.kubernetes.cri.sandbox-id"};

    private GroupKey() {}

    /** The group of the container {@code id} whose spec is {@code bundle/config.json}. */
    public static String of(Path bundle, String id) throws IOException {
        Path config = bundle.resolve("config.json");
        JsonObject spec = Json.read(config).asObject().orElseThrow(() -> new IOException(config + ": not a JSON object"));
        JsonObject annotations = spec.getObject("annotations").orElseGet(JsonObject::new);
        for (String l : LABELS) {
            String v = annotations.getString(l, "");
            if (!v.isEmpty()) return v;
        }
        return id;
    }
}
