package io.rune.shim.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the task events of one container into strings that can be compared across runtimes:
 * the container id becomes {@code <id>}, non-zero pids {@code <pid>}, timestamps {@code <time>},
 * the random FIFO directory {@code <n>}; keys are sorted. Absent fields stay absent.
 */
public final class EventNormalizer {
    private EventNormalizer() {}

    public static List<String> normalize(List<Event> events, String id) {
        List<String> out = new ArrayList<>();
        for (Event e : events) {
            if (e.topic().startsWith("/tasks/")) {
                out.add(e.topic() + " " + canonical(e.data(), null, id));
            }
        }
        return out;
    }

    private static String canonical(JsonNode n, String field, String id) {
        if ("exited_at".equals(field)) {
            return "<time>"; // a date string from the ctr of 1.x, {seconds, nanos} from that of 2.x
        }
        if (n.isObject()) {
            Map<String, String> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                m.put(f.getKey(), canonical(f.getValue(), f.getKey(), id));
            }
            StringBuilder sb = new StringBuilder("{");
            m.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append(k).append('=').append(v));
            return sb.append('}').toString();
        }
        if (n.isArray()) {
            List<String> items = new ArrayList<>();
            n.forEach(c -> items.add(canonical(c, null, id)));
            return items.toString();
        }
        if ("pid".equals(field)) {
            return n.asLong() == 0 ? "0" : "<pid>";
        }
        if (n.isTextual()) {
            return n.asText().replace(id, "<id>").replaceAll("/fifo/\\d+/", "/fifo/<n>/");
        }
        return n.toString();
    }
}
