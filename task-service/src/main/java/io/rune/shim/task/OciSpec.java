package io.rune.shim.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;

/** The parts of a bundle's config.json the shim itself needs. */
record OciSpec(boolean privatePidNamespace) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static OciSpec read(Path bundle) {
        Path p = bundle.resolve("config.json");
        JsonNode n;
        try {
            n = JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw ShimError.invalidArgument("cannot read OCI spec " + p + ": " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw ShimError.invalidArgument("OCI spec " + p + " is not a JSON object");
        boolean privatePid = false;
        for (JsonNode ns : n.path("linux").path("namespaces")) {
            if ("pid".equals(ns.path("type").asText()) && ns.path("path").asText("").isEmpty()) privatePid = true;
        }
        return new OciSpec(privatePid);
    }
}
