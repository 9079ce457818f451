package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code ctr task metrics} (the shim's Stats, docs/protocol.md §5): the same METRIC rows as under runc.v2,
 * plausible values, memory usage that grows when the container allocates; the errors for an unknown task;
 * what a task whose init already exited (not yet deleted) reports.
 */
class MetricsTest extends E2eTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Bytes the container keeps in a shell variable on SIGUSR1. */
    private static final long ALLOC = 30_000_000;
    /**
     * Sleeps until killed; SIGTERM exits 143; SIGUSR1 makes the shell hold {@link #ALLOC} bytes in a variable
     * (busybox ash: the command substitution result stays on its heap) and then wait on.
     */
    private static final String[] ALLOCATOR = {"/bin/sh", "-c",
        "trap 'exit 143' TERM; trap 'x=$(head -c " + ALLOC + " /dev/zero | tr \"\\0\" a)' USR1; "
            + "while true; do /bin/sleep 1000 & wait $!; done"};

    MetricsTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** The METRIC/VALUE rows of ctr's table output (after the ID/TIMESTAMP block), in order. */
    static Map<String, String> table(String stdout) {
        Map<String, String> m = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : stdout.split("\n")) {
            String l = line.strip();
            if (l.startsWith("METRIC")) {
                inTable = true;
                continue;
            }
            if (inTable && !l.isEmpty()) {
                String[] f = l.split("\\s+", 2);
                m.put(f[0], f.length > 1 ? f[1].strip() : "");
            }
        }
        return m;
    }

    /** Dotted paths of every field in ctr's {@code --format json} output (array items as {@code []}). */
    static TreeSet<String> jsonPaths(String stdout) {
        TreeSet<String> out = new TreeSet<>();
        try {
            walk(JSON.readTree(stdout), "", out);
        } catch (IOException e) {
            out.add("unparsable: " + e.getMessage());
        }
        return out;
    }

    private static void walk(JsonNode n, String path, TreeSet<String> out) {
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                walk(f.getValue(), path.isEmpty() ? f.getKey() : path + "." + f.getKey(), out);
            }
            if (n.isEmpty()) {
                out.add(path + "{}");
            }
        } else if (n.isArray()) {
            out.add(path + "[]");
            n.forEach(c -> walk(c, path + "[]", out));
        } else {
            out.add(path);
        }
    }

    /**
     * Fields whose presence depends on luck (Go's JSON omits zero values): page cache, major faults, THP,
     * blkio entries, failcnt, cpuacct.stat ticks, throttling, and the active/inactive split of anonymous
     * memory (which LRU list a page is on depends on reclaim timing).
     */
    private static final Pattern VOLATILE = Pattern.compile(
            "memory\\.(total_)?(cache|rss_huge|mapped_file|dirty|writeback|pg_maj_fault|inactive_file|active_file|active_anon|inactive_anon|unevictable)"
                    + "|blkio.*|.*failcnt|cpu\\.usage\\.(kernel|user)|cpu\\.throttling\\..*");

    /** The sub-message paths (objects and arrays) of {@link #jsonPaths}; blkio only as a whole (its entries depend on disk reads). */
    static TreeSet<String> messages(TreeSet<String> paths) {
        TreeSet<String> out = new TreeSet<>();
        for (String p : paths) {
            if (p.startsWith("blkio")) {
                out.add("blkio");
                continue;
            }
            String[] parts = p.split("\\.");
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                sb.append(i == 0 ? "" : ".").append(parts[i]);
                out.add(sb.toString());
            }
            if (p.endsWith("{}") || p.endsWith("[]")) {
                out.add(p);
            }
        }
        return out;
    }

    /** The leaf fields of {@link #jsonPaths} apart from the {@link #VOLATILE} ones. */
    static TreeSet<String> stableLeaves(TreeSet<String> paths) {
        TreeSet<String> out = new TreeSet<>();
        for (String p : paths) {
            if (!p.endsWith("{}") && !p.endsWith("[]") && !VOLATILE.matcher(p).matches()) {
                out.add(p);
            }
        }
        return out;
    }

    private static long num(Map<String, String> t, String key) {
        try {
            return Long.parseLong(t.getOrDefault(key, "-1"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** What one runtime showed; {@code compared} must equal between the runtimes, the rest is checked absolutely. */
    record Result(Map<String, String> compared, Map<String, String> running, long usageBefore, long usageAfter,
                  TreeSet<String> jsonRunning, String rawRunning) {}

    private CmdResult metrics(String id, String... opts) {
        List<String> a = new ArrayList<>(List.of("task", "metrics"));
        a.addAll(List.of(opts));
        a.add(id);
        return ctr.exec(Duration.ofSeconds(20), a);
    }

    private Result scenario(ShimRuntime rt) {
        Map<String, String> m = new LinkedHashMap<>();
        String id = containers.newId(rt, "metrics");
        String unknown = containers.newId(rt, "nometrics");
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>").put(unknown, "<unknown>");
        CmdResult run = ctr.runDetached(rt, id, ALLOCATOR);
        m.put("run -d", Outcome.of(run, n).toString());
        if (!run.ok()) {
            return new Result(m, Map.of(), -1, -1, new TreeSet<>(), "");
        }
        m.put("status", ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(15)));

        CmdResult first = metrics(id);
        Map<String, String> running = table(first.stdout());
        m.put("metrics exit", Integer.toString(first.exitCode()));
        m.put("metric names", String.join(",", running.keySet()));
        m.put("header", first.stdout().lines().findFirst().orElse("").strip().replaceAll("\\s+", " "));
        CmdResult json = metrics(id, "--format", "json");
        TreeSet<String> paths = jsonPaths(json.stdout());
        m.put("metrics --format json exit", Integer.toString(json.exitCode()));
        long before = num(running, "memory.usage_in_bytes");

        // allocate, then poll until the usage shows it
        m.put("kill -s SIGUSR1", Outcome.of(ctr.kill(id, "SIGUSR1"), n).toString());
        long after = Poll.until(Duration.ofSeconds(20), Duration.ofMillis(250),
                () -> num(table(metrics(id).stdout()), "memory.usage_in_bytes"), u -> u >= before + ALLOC * 9 / 10);
        m.put("status after allocating", ctr.taskStatus(id));

        // unknown task
        m.put("metrics of unknown task", Outcome.of(metrics(unknown), n).toString());
        m.put("metrics --format json of unknown task", Outcome.of(metrics(unknown, "--format", "json"), n).toString());

        // init exited, task not yet deleted
        m.put("kill -s SIGKILL", Outcome.of(ctr.kill(id, "SIGKILL"), n).toString());
        m.put("status after kill", ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(15)));
        Event exit = events.awaitExit(id, id, Duration.ofSeconds(10));
        m.put("exit status", exit == null ? "no /tasks/exit" : Long.toString(exit.num("exit_status")));
        CmdResult stopped = metrics(id);
        m.put("metrics after exit", stopped.ok()
                ? "exit 0, names " + String.join(",", table(stopped.stdout()).keySet())
                : Outcome.of(stopped, n).toString());
        m.put("pids.current after exit", table(stopped.stdout()).getOrDefault("pids.current", "absent"));
        CmdResult stoppedJson = metrics(id, "--format", "json");
        m.put("metrics --format json after exit", stoppedJson.ok()
                ? "exit 0, messages " + messages(jsonPaths(stoppedJson.stdout()))
                : Outcome.of(stoppedJson, n).toString());

        m.put("task rm", Outcome.of(ctr.exec("task", "rm", id), n).toString());
        m.put("metrics after task rm", Outcome.of(metrics(id), n).toString());
        m.put("container rm", Outcome.of(ctr.exec("container", "rm", id), n).toString());
        Leftovers left = Leftovers.awaitClean(ctd, rt, id, Duration.ofSeconds(15), false);
        m.put("clean", left.clean() ? "yes" : left.toString());
        System.err.println("[e2e] " + rt + ": metrics while running:\n" + first.stdout()
                + "[e2e] " + rt + ": --format json paths " + paths
                + "\n[e2e] " + rt + ": metrics after exit: " + stopped
                + "\n[e2e] " + rt + ": memory.usage_in_bytes " + before + " -> " + after + " (+" + (after - before) + ")\n  "
                + String.join("\n  ", m.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
        return new Result(m, running, before, after, paths, first.stdout());
    }

    @Test
    void metricsOfARunningAndAStoppedTask() {
        Sides<Result> s = Sides.run(ref, ut, this::scenario);
        List<Executable> checks = new ArrayList<>();
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            String who = side.getKey();
            Result r = side.getValue();
            Map<String, String> m = r.compared();
            checks.add(() -> assertEquals("exit 0", m.get("run -d"), who + ": run -d"));
            if (!"exit 0".equals(m.get("run -d"))) {
                continue;
            }
            checks.add(() -> assertEquals("0", m.get("metrics exit"), who + ": ctr task metrics exit code; output " + r.rawRunning()));
            checks.add(() -> assertTrue(r.usageBefore() > 0, who + ": memory.usage_in_bytes " + r.usageBefore()));
            checks.add(() -> assertTrue(num(r.running(), "pids.current") >= 1, who + ": pids.current " + r.running().get("pids.current")));
            checks.add(() -> assertTrue(num(r.running(), "cpuacct.usage") > 0, who + ": cpuacct.usage " + r.running().get("cpuacct.usage")));
            checks.add(() -> assertTrue(r.usageAfter() >= r.usageBefore() + ALLOC * 9 / 10,
                    who + ": memory.usage_in_bytes did not grow by ~" + ALLOC + " after allocating: " + r.usageBefore() + " -> " + r.usageAfter()));
            checks.add(() -> assertEquals("RUNNING", m.get("status after allocating"), who + ": still running after allocating"));
            checks.add(() -> assertFalse(m.get("metrics of unknown task").startsWith("exit 0"), who + ": metrics of an unknown task"));
            checks.add(() -> assertEquals("137", m.get("exit status"), who + ": exit status"));
            checks.add(() -> assertTrue(m.get("task rm").startsWith("exit 0"), who + ": task rm " + m.get("task rm")));
            checks.add(() -> assertTrue(m.get("metrics after exit").startsWith("exit 0, names memory.usage_in_bytes,"),
                    who + ": metrics after exit " + m.get("metrics after exit")));
            checks.add(() -> assertEquals("0", m.get("pids.current after exit"), who + ": pids.current after exit"));
            checks.add(() -> assertEquals("yes", m.get("clean"), who + ": leftovers"));
        }
        for (String k : s.ref().compared().keySet()) {
            checks.add(() -> assertEquals(s.ref().compared().get(k), s.ut().compared().get(k), k + ": runtime under test differs from reference"));
        }
        checks.add(() -> assertEquals(messages(s.ref().jsonRunning()), messages(s.ut().jsonRunning()),
                "messages in ctr task metrics --format json: runtime under test differs from reference"));
        checks.add(() -> assertEquals(stableLeaves(s.ref().jsonRunning()), stableLeaves(s.ut().jsonRunning()),
                "non-zero fields in ctr task metrics --format json: runtime under test differs from reference"));
        assertAll(checks);
    }
}
