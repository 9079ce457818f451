package io.rune.shim.formats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A JSON array; mutable (appended to) like {@link JsonObject}. */
public final class JsonArray implements JsonValue, Iterable<JsonValue> {
    private final ArrayList<JsonValue> elements = new ArrayList<>();

    public JsonArray() {}

    /** An array of these strings. */
    public static JsonArray ofStrings(Iterable<String> values) {
        JsonArray a = new JsonArray();
        for (String v : values) a.add(v);
        return a;
    }

    public int size() {
        return elements.size();
    }

    public boolean isEmpty() {
        return elements.isEmpty();
    }

    /** Element {@code i}; empty when out of range. */
    public Optional<JsonValue> get(int i) {
        return i >= 0 && i < elements.size() ? Optional.of(elements.get(i)) : Optional.empty();
    }

    /** The elements in order, read-only. */
    public List<JsonValue> elements() {
        return Collections.unmodifiableList(elements);
    }

    @Override
    public Iterator<JsonValue> iterator() {
        return elements().iterator();
    }

    /** The text of each scalar element ({@link JsonValue#scalarText}); other elements are skipped. */
    public List<String> scalarTexts() {
        List<String> out = new ArrayList<>(elements.size());
        for (JsonValue v : elements) v.scalarText().ifPresent(out::add);
        return out;
    }

    public JsonArray add(JsonValue value) {
        elements.add(Objects.requireNonNull(value, "value"));
        return this;
    }

    public JsonArray add(String value) {
        return add(new JsonString(value));
    }

    public JsonArray add(long value) {
        return add(JsonNumber.of(value));
    }

    public JsonArray add(boolean value) {
        return add(JsonBool.of(value));
    }

    /** A new empty object appended, returned for filling. */
    public JsonObject addObject() {
        JsonObject o = new JsonObject();
        add(o);
        return o;
    }

    @Override
    public String kind() {
        return "array";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonArray other && elements.equals(other.elements);
    }

    @Override
    public int hashCode() {
        return elements.hashCode();
    }

    /** Compact JSON. */
    @Override
    public String toString() {
        return Json.write(this);
    }
}
