package io.rune.shim.task;

import io.rune.shim.formats.FormatException;
import io.rune.shim.formats.JsonNumber;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;
import io.rune.shim.formats.Toml;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads a runtime options table as containerd's config.toml holds it
 * ({@code BinaryName = "rune"}, {@code SystemdCgroup = true}, ...), with the same TOML reader the
 * carrier uses. Keys may sit at the top or in a table; CamelCase and snake_case are the same key.
 */
final class OptionsToml {
    private OptionsToml() {}

    static RuntimeOptions parse(String text, String source) {
        JsonObject root;
        try {
            root = Toml.parse(text);
        } catch (FormatException e) {
            throw ShimError.invalidArgument("runtime options " + source + " line " + e.line() + ": " + e.reason());
        }
        Map<String, JsonValue> v = new HashMap<>();
        flatten(root, v);
        return new RuntimeOptions(str(v, "binaryname"), str(v, "root"), bool(v, "nopivotroot"),
                bool(v, "nonewkeyring"), str(v, "shimcgroup"), num(v, "iouid"), num(v, "iogid"),
                str(v, "criupath"), bool(v, "systemdcgroup"), str(v, "criuimagepath"), str(v, "criuworkpath"),
                str(v, "carrierconfig"), str(v, "shimscope"), str(v, "shimlinger"), str(v, "shimspare"));
    }

    /** Tables are looked through: a runtime's options table and a bare file read the same. */
    private static void flatten(JsonObject table, Map<String, JsonValue> into) {
        for (Map.Entry<String, JsonValue> e : table.members().entrySet()) {
            if (e.getValue() instanceof JsonObject o) flatten(o, into);
            else into.put(e.getKey().replace("_", "").toLowerCase(), e.getValue());
        }
    }

    /** A scalar's text (a number or boolean written unquoted reads as its text); "" otherwise. */
    private static String str(Map<String, JsonValue> v, String k) {
        JsonValue n = v.get(k);
        return n == null ? "" : n.scalarText().orElse("");
    }

    private static boolean bool(Map<String, JsonValue> v, String k) {
        JsonValue n = v.get(k);
        return n != null && n.asBoolean().orElse(false);
    }

    /** An integer that fits an int; 0 otherwise (not set). */
    private static int num(Map<String, JsonValue> v, String k) {
        JsonValue n = v.get(k);
        if (!(n instanceof JsonNumber x) || !x.isIntegral()) return 0;
        try {
            return x.asInt();
        } catch (ArithmeticException e) {
            return 0;
        }
    }
}
