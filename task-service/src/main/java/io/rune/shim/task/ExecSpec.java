package io.rune.shim.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rune.shim.api.task.ExecProcessRequest;
import java.io.IOException;

/** The OCI Process JSON an exec runs, as rune exec --process reads it. */
final class ExecSpec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExecSpec() {}

    /** The OCI Process from the request's Any (JSON; type URL not checked, as in the Go shim), terminal set. */
    static byte[] of(ExecProcessRequest r) {
        JsonNode n;
        try {
            n = JSON.readTree(r.getSpec().getValue().toByteArray());
        } catch (IOException e) {
            throw ShimError.invalidArgument("exec process spec is not valid JSON: " + e.getMessage());
        }
        if (n == null || !n.isObject()) throw ShimError.invalidArgument("exec process spec must be a JSON object");
        ((ObjectNode) n).put("terminal", r.getTerminal());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw ShimError.invalidArgument("exec process spec: " + e.getMessage());
        }
    }
}
