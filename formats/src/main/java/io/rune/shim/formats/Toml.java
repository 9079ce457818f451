package io.rune.shim.formats;

/**
 * TOML in and out, as the same value tree as {@link Json}: tables are {@link JsonObject}s,
 * integers and floats {@link JsonNumber}s, dates and times {@link JsonString}s of their text.
 */
public final class Toml {
    private Toml() {}

    public static JsonObject parse(String text) throws FormatException {
        return TomlParser.parse(text, null);
    }

    /** @param source what the text is, for error messages; may be null */
    public static JsonObject parse(String text, String source) throws FormatException {
        return TomlParser.parse(text, source);
    }

    /**
     * The table as TOML, every leaf under its dotted key, in member order.
     * @throws IllegalArgumentException when the tree holds a null (TOML has none)
     */
    public static String write(JsonObject root) {
        return TomlWriter.write(root);
    }
}
