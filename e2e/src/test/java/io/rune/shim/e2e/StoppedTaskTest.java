package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Operations on a task whose init already exited (STOPPED, not yet deleted): kill, kill --all, pause,
 * resume, exec, ps; then the same after {@code ctr task rm}. Errors must read as under runc.v2.
 */
class StoppedTaskTest extends E2eTestBase {

    StoppedTaskTest(PrivateContainerd ctd) {
        super(ctd);
    }

    private Map<String, Outcome> scenario(ShimRuntime rt) {
        Map<String, Outcome> m = new LinkedHashMap<>();
        String id = containers.newId(rt, "stopped");
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>");
        CmdResult run = ctr.runDetached(rt, id, "/bin/sh", "-c", "exit 3");
        m.put("run -d", Outcome.of(run, n));
        m.put("status", new Outcome(0, ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(15)), ""));
        events.awaitExit(id, id, Duration.ofSeconds(10));
        m.put("kill", Outcome.of(ctr.exec("task", "kill", id), n));
        m.put("kill -s SIGKILL", Outcome.of(ctr.exec("task", "kill", "-s", "SIGKILL", id), n));
        m.put("kill --all", Outcome.of(ctr.exec("task", "kill", "--all", id), n));
        m.put("pause", Outcome.of(ctr.exec("task", "pause", id), n));
        m.put("resume", Outcome.of(ctr.exec("task", "resume", id), n));
        m.put("exec", Outcome.of(ctr.taskExec(id, id + "-x", "/bin/true"), n));
        m.put("ps", Outcome.of(ctr.exec("task", "ps", id), n));
        m.put("status after", new Outcome(0, ctr.taskStatus(id), ""));
        m.put("task rm", Outcome.of(ctr.exec("task", "rm", id), n));
        m.put("kill after rm", Outcome.of(ctr.exec("task", "kill", id), n));
        m.put("container rm", Outcome.of(ctr.exec("container", "rm", id), n));
        Leftovers left = Leftovers.awaitClean(ctd, rt, id, Duration.ofSeconds(10), false);
        m.put("clean", new Outcome(left.clean() ? 0 : 1, left.clean() ? "" : left.toString(), ""));
        List<Event> evs = events.forContainer(id);
        m.put("events", new Outcome(0, String.join("\n", comparable(rt, EventNormalizer.normalize(evs, id))), ""));
        System.err.println("[e2e] " + rt + ":\n  " + String.join("\n  ", m.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
        return m;
    }

    @Test
    void operationsOnAStoppedTask() {
        Sides<Map<String, Outcome>> s = Sides.run(ref, ut, this::scenario);
        List<Executable> checks = new ArrayList<>();
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            String who = side.getKey();
            Map<String, Outcome> m = side.getValue();
            checks.add(() -> assertEquals("STOPPED", m.get("status").stdout(), who + ": status after exit"));
            checks.add(() -> assertEquals(new Outcome(1, "", "ctr: process already finished: not found\n"), m.get("kill"), who + ": kill"));
            checks.add(() -> assertEquals(new Outcome(1, "", "ctr: process already finished: not found\n"), m.get("kill -s SIGKILL"), who + ": kill -s SIGKILL"));
            checks.add(() -> assertEquals(0, m.get("kill --all").exit(), who + ": kill --all " + m.get("kill --all")));
            checks.add(() -> assertEquals(1, m.get("pause").exit(), who + ": pause " + m.get("pause")));
            checks.add(() -> assertEquals(1, m.get("exec").exit(), who + ": exec " + m.get("exec")));
            checks.add(() -> assertTrue(m.get("exec").stderr().contains("cannot exec in a stopped state"), who + ": exec " + m.get("exec")));
            checks.add(() -> assertEquals(0, m.get("task rm").exit(), who + ": task rm " + m.get("task rm")));
            checks.add(() -> assertEquals(0, m.get("clean").exit(), who + ": leftovers " + m.get("clean")));
        }
        for (String k : s.ref().keySet()) {
            checks.add(() -> assertEquals(s.ref().get(k), s.ut().get(k), k + ": runtime under test differs from reference"));
        }
        assertAll(checks);
    }
}
