package io.rune.shim.formats;

import java.util.Optional;

/**
 * A JSON value, as {@link Json} and {@link Toml} read it. The set is closed, so a {@code switch}
 * over it needs no default. Navigation never throws: asking an array for a member, or a string for
 * an object, gives an empty Optional, so a reader of optional spec fields stays short.
 */
public sealed interface JsonValue permits JsonObject, JsonArray, JsonString, JsonNumber, JsonBool, JsonNull {

    /** The member {@code key} when this is an object that has it. */
    default Optional<JsonValue> get(String key) {
        return Optional.empty();
    }

    /** The value at {@code keys}, followed through nested objects; empty when any step is missing. */
    default Optional<JsonValue> at(String... keys) {
        Optional<JsonValue> v = Optional.of(this);
        for (String k : keys) {
            v = v.flatMap(x -> x.get(k));
            if (v.isEmpty()) break;
        }
        return v;
    }

    default Optional<JsonObject> asObject() {
        return this instanceof JsonObject o ? Optional.of(o) : Optional.empty();
    }

    default Optional<JsonArray> asArray() {
        return this instanceof JsonArray a ? Optional.of(a) : Optional.empty();
    }

    /** The text of a JSON string; empty for any other kind (a number is not coerced). */
    default Optional<String> asString() {
        return this instanceof JsonString s ? Optional.of(s.value()) : Optional.empty();
    }

    default Optional<JsonNumber> asNumber() {
        return this instanceof JsonNumber n ? Optional.of(n) : Optional.empty();
    }

    default Optional<Boolean> asBoolean() {
        return this instanceof JsonBool b ? Optional.of(b.value()) : Optional.empty();
    }

    /**
     * The text of a scalar: a string's value, a number as written, {@code true}/{@code false};
     * empty for null, objects and arrays. For fields whose writers are loose about quoting.
     */
    default Optional<String> scalarText() {
        return switch (this) {
            case JsonString s -> Optional.of(s.value());
            case JsonNumber n -> Optional.of(n.lexeme());
            case JsonBool b -> Optional.of(Boolean.toString(b.value()));
            default -> Optional.empty();
        };
    }

    /** "object", "array", "string", "number", "boolean" or "null": for error messages. */
    String kind();
}
