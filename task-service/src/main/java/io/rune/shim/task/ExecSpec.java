package io.rune.shim.task;

import io.rune.shim.api.task.ExecProcessRequest;
import io.rune.shim.formats.FormatException;
import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;

/** The OCI Process JSON an exec runs, as rune exec --process reads it. */
final class ExecSpec {
    private ExecSpec() {}

    /** The OCI Process from the request's Any (JSON; type URL not checked, as in the Go shim), terminal set. */
    static byte[] of(ExecProcessRequest r) {
        JsonValue n;
        try {
            n = Json.parse(r.getSpec().getValue().toByteArray(), null);
        } catch (FormatException e) {
            throw ShimError.invalidArgument("exec process spec is not valid JSON: " + e.getMessage());
        }
        if (!(n instanceof JsonObject o)) throw ShimError.invalidArgument("exec process spec must be a JSON object");
        o.put("terminal", r.getTerminal());
        return Json.writeBytes(o);
    }
}
