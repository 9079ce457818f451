package io.rune.shim.e2e;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One line of {@code ctr events}: {@code <date> <time> <offset> <zone> <namespace> <topic> <json>}.
 *
 * @param seq          receipt order (0, 1, 2, ...)
 * @param receivedNanos {@link System#nanoTime()} when the line was read
 */
public record Event(long seq, long receivedNanos, String timestamp, String namespace, String topic, JsonNode data) {

    public String containerId() {
        JsonNode n = data.get("container_id");
        return n == null ? null : n.asText();
    }

    /** Numeric field, 0 when absent (proto3 omits zero values in ctr's JSON). */
    public long num(String field) {
        JsonNode n = data.get(field);
        return n == null ? 0 : n.asLong();
    }

    public boolean has(String field) {
        return data.has(field);
    }

    @Override
    public String toString() {
        return "#" + seq + " " + namespace + " " + topic + " " + data;
    }
}
