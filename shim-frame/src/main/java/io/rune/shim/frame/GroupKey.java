package io.rune.shim.frame;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Which daemon a container joins: the first grouping annotation of its spec, else its own id.
 * Read with jackson's streaming parser: this runs on the start path of every container.
 */
public final class GroupKey {
    private static final String[] LABELS = {"io.containerd.runc.v2.group", "io.kubernetes.cri.sandbox-id"};

    private GroupKey() {}

    /** The group of the container {@code id} whose spec is {@code bundle/config.json}. */
    public static String of(Path bundle, String id) throws IOException {
        Map<String, String> annotations = annotations(bundle.resolve("config.json"));
        for (String l : LABELS) {
            String v = annotations.get(l);
            if (v != null && !v.isEmpty()) return v;
        }
        return id;
    }

    private static Map<String, String> annotations(Path config) throws IOException {
        Map<String, String> out = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(config.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException(config + ": not a JSON object");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("annotations") && t == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String k = p.currentName();
                        if (p.nextToken() == JsonToken.VALUE_STRING) out.put(k, p.getText());
                        else p.skipChildren();
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
        return out;
    }
}
