package io.rune.shim.formats;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A JSON object: members in the order they were read or put, every member kept, known or not, so
 * a config.json read, edited and written back loses nothing. Mutable: the carrier edits a spec in
 * place, the task service builds its files. A member put again keeps its place and takes the new
 * value (so does a duplicate key read from text: the last one wins, as in Go).
 */
public final class JsonObject implements JsonValue {
    private final LinkedHashMap<String, JsonValue> members = new LinkedHashMap<>();

    public JsonObject() {}

    @Override
    public Optional<JsonValue> get(String key) {
        return Optional.ofNullable(members.get(key));
    }

    public boolean has(String key) {
        return members.containsKey(key);
    }

    public int size() {
        return members.size();
    }

    public boolean isEmpty() {
        return members.isEmpty();
    }

    /** The members in order, read-only (change them through put/remove). */
    public Map<String, JsonValue> members() {
        return Collections.unmodifiableMap(members);
    }

    // ------------------------------------------------------------------ typed getters

    /** The string member {@code key}; empty when missing or not a string. */
    public Optional<String> getString(String key) {
        return get(key).flatMap(JsonValue::asString);
    }

    public String getString(String key, String dflt) {
        return getString(key).orElse(dflt);
    }

    public Optional<JsonObject> getObject(String key) {
        return get(key).flatMap(JsonValue::asObject);
    }

    public Optional<JsonArray> getArray(String key) {
        return get(key).flatMap(JsonValue::asArray);
    }

    /** The boolean member {@code key}, {@code dflt} when missing or not a boolean. */
    public boolean getBoolean(String key, boolean dflt) {
        return get(key).flatMap(JsonValue::asBoolean).orElse(dflt);
    }

    /**
     * The number member {@code key} as an int, {@code dflt} when missing or not a number;
     * a number that is not an int is an {@link ArithmeticException} naming it.
     */
    public int getInt(String key, int dflt) {
        Optional<JsonNumber> n = get(key).flatMap(JsonValue::asNumber);
        return n.isPresent() ? n.get().asInt() : dflt;
    }

    /** As {@link #getInt} for a long. */
    public long getLong(String key, long dflt) {
        Optional<JsonNumber> n = get(key).flatMap(JsonValue::asNumber);
        return n.isPresent() ? n.get().asLong() : dflt;
    }

    // ------------------------------------------------------------------ mutation

    /** Sets member {@code key} (in place when it exists, else last); returns this for chaining. */
    public JsonObject put(String key, JsonValue value) {
        members.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    public JsonObject put(String key, String value) {
        return put(key, new JsonString(value));
    }

    public JsonObject put(String key, long value) {
        return put(key, JsonNumber.of(value));
    }

    public JsonObject put(String key, boolean value) {
        return put(key, JsonBool.of(value));
    }

    /** A new empty object as member {@code key} (replacing any), returned for filling. */
    public JsonObject putObject(String key) {
        JsonObject o = new JsonObject();
        put(key, o);
        return o;
    }

    /** A new empty array as member {@code key} (replacing any), returned for filling. */
    public JsonArray putArray(String key) {
        JsonArray a = new JsonArray();
        put(key, a);
        return a;
    }

    /** Removes member {@code key}; returns what it held. */
    public Optional<JsonValue> remove(String key) {
        return Optional.ofNullable(members.remove(key));
    }

    @Override
    public String kind() {
        return "object";
    }

    /** Same members with equal values, in any order (JSON gives member order no meaning). */
    @Override
    public boolean equals(Object o) {
        return o instanceof JsonObject other && members.equals(other.members);
    }

    @Override
    public int hashCode() {
        return members.hashCode();
    }

    /** Compact JSON. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
