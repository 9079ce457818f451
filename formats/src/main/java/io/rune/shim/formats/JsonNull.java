package io.rune.shim.formats;

/** JSON's {@code null}: one value, so an enum. TOML has none. */
public enum JsonNull implements JsonValue {
    NULL;

    @Override
    public String kind() {
        return "null";
    }

    @Override
    public String toString() {
        return "null";
    }
}
