package io.rune.shim.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads a runtime options table as containerd's config.toml holds it
 * ({@code BinaryName = "rune"}, {@code SystemdCgroup = true}, ...), with the same TOML parser the
 * carrier uses. Keys may sit at the top or in a table; CamelCase and snake_case are the same key.
 */
final class OptionsToml {
    private static final TomlMapper TOML = new TomlMapper();

    private OptionsToml() {}

    static RuntimeOptions parse(String text, String source) {
        JsonNode root;
        try {
            root = TOML.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw ShimError.invalidArgument("runtime options " + source + (at == null ? "" : " line " + at.getLineNr())
                    + ": " + e.getOriginalMessage());
        }
        Map<String, JsonNode> v = new HashMap<>();
        flatten(root, v);
        return new RuntimeOptions(str(v, "binaryname"), str(v, "root"), bool(v, "nopivotroot"),
                bool(v, "nonewkeyring"), str(v, "shimcgroup"), num(v, "iouid"), num(v, "iogid"),
                str(v, "criupath"), bool(v, "systemdcgroup"), str(v, "criuimagepath"), str(v, "criuworkpath"),
                str(v, "carrierconfig"), str(v, "shimscope"), str(v, "shimlinger"), str(v, "shimspare"));
    }

    /** Tables are looked through: a runtime's options table and a bare file read the same. */
    private static void flatten(JsonNode n, Map<String, JsonNode> into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getValue().isObject()) flatten(e.getValue(), into);
            else into.put(e.getKey().replace("_", "").toLowerCase(), e.getValue());
        }
    }

    private static String str(Map<String, JsonNode> v, String k) {
        JsonNode n = v.get(k);
        return n == null || !n.isValueNode() ? "" : n.asText();
    }

    private static boolean bool(Map<String, JsonNode> v, String k) {
        JsonNode n = v.get(k);
        return n != null && n.isBoolean() && n.booleanValue();
    }

    private static int num(Map<String, JsonNode> v, String k) {
        JsonNode n = v.get(k);
        return n != null && n.canConvertToInt() && n.isIntegralNumber() ? n.intValue() : 0;
    }
}
