package io.rune.shim.formats;

import java.util.Map;

/**
 * Writes a table as TOML, one line per leaf under its full dotted key
 * ({@code loader.entrypoint.uri = 'file:/…'}), arrays and tables inside arrays inline. Greppable by
 * key and free of table-header ordering rules. Strings are literal ({@code '…'}) when they can be,
 * else basic with escapes; keys are bare when they can be.
 */
final class TomlWriter {
    private final StringBuilder out = new StringBuilder(512);

    private TomlWriter() {}

    /** @throws IllegalArgumentException for a JSON null, which TOML cannot hold */
    static String write(JsonObject root) {
        TomlWriter w = new TomlWriter();
        w.members("", root);
        return w.out.toString();
    }

    private void members(String prefix, JsonObject table) {
        for (Map.Entry<String, JsonValue> e : table.members().entrySet()) {
            String k = prefix + key(e.getKey());
            if (e.getValue() instanceof JsonObject o && !o.isEmpty()) {
                members(k + ".", o);
            } else {
                out.append(k).append(" = ");
                inline(e.getValue(), out);
                out.append('\n');
            }
        }
    }

    private static void inline(JsonValue v, StringBuilder out) {
        switch (v) {
            case JsonString s -> string(s.value(), out);
            case JsonNumber n -> out.append(n.lexeme());
            case JsonBool b -> out.append(b.value());
            case JsonArray a -> {
                out.append('[');
                boolean first = true;
                for (JsonValue x : a.elements()) {
                    if (!first) out.append(", ");
                    first = false;
                    inline(x, out);
                }
                out.append(']');
            }
            case JsonObject o -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<String, JsonValue> e : o.members().entrySet()) {
                    out.append(first ? "" : ", ").append(key(e.getKey())).append(" = ");
                    first = false;
                    inline(e.getValue(), out);
                }
                out.append('}');
            }
            case JsonNull n -> throw new IllegalArgumentException("TOML has no null");
        }
    }

    /** A key, bare when it is made of letters, digits, '_' and '-' only, else quoted. */
    static String key(String k) {
        boolean bare = !k.isEmpty();
        for (int i = 0; i < k.length() && bare; i++) bare = TomlParser.isBareKeyChar(k.charAt(i));
        if (bare) return k;
        StringBuilder sb = new StringBuilder(k.length() + 2);
        string(k, sb);
        return sb.toString();
    }

    /**
     * A literal string when it holds no quote and no control character, else a basic string with
     * escapes. An unpaired surrogate (TOML holds only Unicode scalar values) becomes U+FFFD.
     */
    static void string(String s, StringBuilder out) {
        boolean literal = true;
        for (int i = 0; i < s.length() && literal; i++) {
            char c = s.charAt(i);
            literal = c != '\'' && (c >= 0x20 || c == '\t') && c != 0x7f && (!Character.isSurrogate(c) || JsonWriter.pairedAt(s, i));
        }
        if (literal) {
            out.append('\'').append(s).append('\'');
            return;
        }
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\f' -> out.append("\\f");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || c == 0x7f) out.append(JsonWriter.unicodeEscape(c));
                    else if (Character.isSurrogate(c) && !JsonWriter.pairedAt(s, i)) out.append('\uFFFD');
                    else out.append(c);
                }
            }
        }
        out.append('"');
    }
}
