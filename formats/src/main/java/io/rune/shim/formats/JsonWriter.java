package io.rune.shim.formats;

import java.util.Map;

/**
 * Writes a value tree as JSON that Go's encoding/json (runc, containerd) reads back unchanged:
 * numbers as their lexeme, control characters escaped, other characters as themselves (UTF-8
 * when encoded), an unpaired surrogate as a {@code \}{@code u} escape so nothing is lost.
 * Compact, or pretty in the layout of Go's {@code json.MarshalIndent(v, "", "  ")}.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder(256);
    private final boolean pretty;

    private JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    static String write(JsonValue v, boolean pretty) {
        JsonWriter w = new JsonWriter(pretty);
        w.value(v, 0);
        return w.out.toString();
    }

    private void value(JsonValue v, int indent) {
        switch (v) {
            case JsonObject o -> object(o, indent);
            case JsonArray a -> array(a, indent);
            case JsonString s -> string(s.value(), out);
            case JsonNumber n -> out.append(n.lexeme());
            case JsonBool b -> out.append(b.value());
            case JsonNull n -> out.append("null");
        }
    }

    private void object(JsonObject o, int indent) {
        if (o.isEmpty()) {
            out.append("{}");
            return;
        }
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
            if (!first) out.append(',');
            first = false;
            newline(indent + 1);
            string(e.getKey(), out);
            out.append(pretty ? ": " : ":");
            value(e.getValue(), indent + 1);
        }
        newline(indent);
        out.append('}');
    }

    private void array(JsonArray a, int indent) {
        if (a.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append('[');
        boolean first = true;
        for (JsonValue v : a.elements()) {
            if (!first) out.append(',');
            first = false;
            newline(indent + 1);
            value(v, indent + 1);
        }
        newline(indent);
        out.append(']');
    }

    private void newline(int indent) {
        if (!pretty) return;
        out.append('\n');
        for (int i = 0; i < indent; i++) out.append("  ");
    }

    /** {@code s} quoted and escaped as a JSON string. */
    static void string(String s, StringBuilder out) {
        out.append('"');
        int run = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String esc = null;
            if (c == '"') esc = "\\\"";
            else if (c == '\\') esc = "\\\\";
            else if (c < 0x20 || c == '\u2028' || c == '\u2029') esc = control(c);
            else if (Character.isSurrogate(c) && !pairedAt(s, i)) esc = unicodeEscape(c);
            else if (Character.isHighSurrogate(c)) i++; // the pair goes out as is
            if (esc != null) {
                out.append(s, run, i).append(esc);
                run = i + 1;
            }
        }
        out.append(s, run, s.length()).append('"');
    }

    private static String control(char c) {
        return switch (c) {
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            // U+2028/2029 too, as Go writes them: JavaScript reads them as line ends
            default -> unicodeEscape(c);
        };
    }

    static String unicodeEscape(char c) {
        String hex = Integer.toHexString(c);
        return "\\u" + "0000".substring(hex.length()) + hex;
    }

    /** Whether the surrogate at i is half of a well-formed pair. */
    static boolean pairedAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
