package io.rune.shim.formats;

import java.util.Objects;

/** A JSON string (or a TOML string, date or time: they are text to the shim). */
public record JsonString(String value) implements JsonValue {
    public JsonString {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String kind() {
        return "string";
    }

    /** As JSON, quoted and escaped. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
