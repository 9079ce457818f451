package io.rune.shim.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rune.shim.testsupport.CmdResult;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A background {@code ctr events} subscriber. Lines are parsed and kept in receipt order; every raw
 * line also goes to a log file. Waiters block on this object's monitor.
 */
public final class EventStream implements AutoCloseable {
    private static final Pattern LINE = Pattern.compile("^(\\S+ \\S+ \\S+ \\S+) (\\S+) (\\S+) ?(.*)$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Thread reader;
    private final List<Event> events = new ArrayList<>();
    private final String namespace;
    private volatile boolean closed;

    private EventStream(Process process, String namespace, Path rawLog) {
        this.process = process;
        this.namespace = namespace;
        this.reader = Thread.ofPlatform().daemon().name("ctr-events").start(() -> readLoop(rawLog));
    }

    /**
     * Starts {@code ctr events} (all namespaces; filtered here) and waits until the subscription
     * demonstrably receives events: it labels the namespace until the matching /namespaces/update arrives.
     */
    public static EventStream start(Ctr ctr, Path rawLog, Path stderrLog) throws IOException {
        Process p = new ProcessBuilder(ctr.binary().toString(), "--address", ctr.address().toString(), "events")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectError(stderrLog.toFile())
                .start();
        EventStream s = new EventStream(p, ctr.namespace(), rawLog);
        CmdResult created = ctr.exec("namespaces", "create", ctr.namespace());
        if (!created.ok() && !created.stderr().contains("already exists")) {
            s.close();
            throw new IllegalStateException("cannot create namespace: " + created);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        for (int probe = 1; System.nanoTime() < deadline; probe++) {
            String value = "p" + probe;
            ctr.exec("namespaces", "label", ctr.namespace(), "e2e-probe=" + value);
            if (s.awaitAny(e -> e.topic().equals("/namespaces/update")
                    && value.equals(e.data().path("labels").path("e2e-probe").asText(null)), Duration.ofMillis(500)) != null) {
                return s;
            }
            if (!p.isAlive()) {
                break;
            }
        }
        s.close();
        throw new IllegalStateException("ctr events subscription did not come up; see " + stderrLog);
    }

    private void readLoop(Path rawLog) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var log = Files.newBufferedWriter(rawLog, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                long now = System.nanoTime();
                log.write(line);
                log.newLine();
                log.flush();
                Matcher m = LINE.matcher(line);
                if (!m.matches()) {
                    continue;
                }
                JsonNode data;
                try {
                    data = m.group(4).isBlank() ? JSON.createObjectNode() : JSON.readTree(m.group(4));
                } catch (IOException e) {
                    data = JSON.createObjectNode().put("_unparsed", m.group(4));
                }
                synchronized (this) {
                    events.add(new Event(events.size(), now, m.group(1), m.group(2), m.group(3), data));
                    notifyAll();
                }
            }
        } catch (IOException e) {
            if (!closed) {
                System.err.println("[e2e] ctr events reader failed: " + e);
            }
        }
    }

    /** All events of our namespace whose container_id is the given id, in receipt order. */
    public synchronized List<Event> forContainer(String id) {
        return events.stream()
                .filter(e -> namespace.equals(e.namespace()) && Objects.equals(id, e.containerId()))
                .toList();
    }

    /** The ordered topics for one container. */
    public List<String> topics(String id) {
        return forContainer(id).stream().map(Event::topic).toList();
    }

    /** True when containerd published /tasks/create for the id (waits briefly: events trail ctr's exit). */
    public boolean created(String id) {
        return awaitTopic(id, "/tasks/create", Duration.ofSeconds(2)) != null;
    }

    /** First event of that topic for the container; waits up to timeout; null when none came. */
    public Event awaitTopic(String id, String topic, Duration timeout) {
        return awaitAny(e -> namespace.equals(e.namespace()) && topic.equals(e.topic()) && id.equals(e.containerId()), timeout);
    }

    /** First event of that topic for the container that also satisfies p; waits up to timeout; null when none came. */
    public Event await(String id, String topic, Predicate<Event> p, Duration timeout) {
        return awaitAny(e -> namespace.equals(e.namespace()) && topic.equals(e.topic()) && id.equals(e.containerId()) && p.test(e), timeout);
    }

    /** The /tasks/exit event of one process (init: execId = container id). */
    public Event awaitExit(String id, String execId, Duration timeout) {
        return await(id, "/tasks/exit", e -> execId.equals(e.data().path("id").asText()), timeout);
    }

    private synchronized Event awaitAny(Predicate<Event> p, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            for (Event e : events) {
                if (p.test(e)) {
                    return e;
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || closed) {
                return null;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        closed = true;
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            notifyAll();
        }
    }
}
