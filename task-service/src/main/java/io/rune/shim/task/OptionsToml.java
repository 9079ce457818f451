package io.rune.shim.task;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads a runtime options table as containerd's config.toml holds it
 * ({@code BinaryName = "rune"}, {@code SystemdCgroup = true}, ...). Table headers and comments
 * are skipped, keys may be CamelCase or snake_case; anything else is an error naming the line.
 */
final class OptionsToml {
    private OptionsToml() {}

    static RuntimeOptions parse(String text, String source) {
        Map<String, Object> v = new HashMap<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = stripComment(lines[i]).trim();
            if (line.isEmpty() || line.startsWith("[")) continue;
            int eq = line.indexOf('=');
            if (eq <= 0) throw bad(source, i, lines[i], "expected key = value");
            String key = line.substring(0, eq).trim().replace("_", "").toLowerCase();
            String raw = line.substring(eq + 1).trim();
            Object value;
            if (raw.length() >= 2 && (raw.startsWith("\"") && raw.endsWith("\"") || raw.startsWith("'") && raw.endsWith("'"))) {
                value = raw.substring(1, raw.length() - 1);
            } else if (raw.equals("true") || raw.equals("false")) {
                value = Boolean.parseBoolean(raw);
            } else if (raw.matches("-?[0-9]+")) {
                value = Integer.parseInt(raw);
            } else {
                throw bad(source, i, lines[i], "value must be a string, boolean or integer");
            }
            v.put(key, value);
        }
        return new RuntimeOptions(str(v, "binaryname"), str(v, "root"), bool(v, "nopivotroot"),
                bool(v, "nonewkeyring"), str(v, "shimcgroup"), num(v, "iouid"), num(v, "iogid"),
                str(v, "criupath"), bool(v, "systemdcgroup"), str(v, "criuimagepath"), str(v, "criuworkpath"),
                str(v, "carrierconfig"));
    }

    private static String stripComment(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') quoted = !quoted;
            if (c == '#' && !quoted) return line.substring(0, i);
        }
        return line;
    }

    private static ShimError bad(String source, int index, String line, String why) {
        return ShimError.invalidArgument("runtime options " + source + " line " + (index + 1) + ": " + why + ": " + line.trim());
    }

    private static String str(Map<String, Object> v, String k) {
        Object o = v.get(k);
        return o == null ? "" : o.toString();
    }

    private static boolean bool(Map<String, Object> v, String k) {
        return v.get(k) instanceof Boolean b && b;
    }

    private static int num(Map<String, Object> v, String k) {
        return v.get(k) instanceof Integer n ? n : 0;
    }
}
