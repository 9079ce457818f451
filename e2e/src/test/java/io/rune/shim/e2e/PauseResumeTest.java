package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@code ctr task pause} / {@code resume}: status PAUSED then RUNNING, the state-machine errors, the events. */
class PauseResumeTest extends E2eTestBase {

    PauseResumeTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** The freezer state of the container's cgroup: v1 freezer.state, or v2 cgroup.freeze as FROZEN/THAWED. */
    private String freezer(String id) {
        Path v1 = Path.of("/sys/fs/cgroup/freezer", ctd.namespace(), id, "freezer.state");
        Path v2 = Path.of("/sys/fs/cgroup", ctd.namespace(), id, "cgroup.freeze");
        try {
            if (Files.exists(v1)) {
                return Files.readString(v1).strip();
            }
            if (Files.exists(v2)) {
                return Files.readString(v2).strip().equals("1") ? "FROZEN" : "THAWED";
            }
            return "no freezer cgroup";
        } catch (IOException e) {
            return "unreadable: " + e;
        }
    }

    private Map<String, String> scenario(ShimRuntime rt) {
        Map<String, String> m = new LinkedHashMap<>();
        String id = containers.newId(rt, "pause");
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>");
        CmdResult run = ctr.runDetached(rt, id, "/bin/sh", "-c", "trap 'exit 143' TERM; while true; do sleep 0.05; done");
        m.put("run -d", Outcome.of(run, n).toString());
        if (!run.ok()) {
            return m;
        }
        m.put("status", ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(15)));
        m.put("freezer before", freezer(id));
        m.put("pause", Outcome.of(ctr.exec("task", "pause", id), n).toString());
        m.put("status after pause", ctr.taskStatus(id));
        m.put("paused event", String.valueOf(events.awaitTopic(id, "/tasks/paused", Duration.ofSeconds(10)) != null));
        CmdResult c1 = ctr.exec("task", "ps", id);
        // the loop forks a short sleep every 50 ms: frozen with or without it, so 1 or 2 processes
        long procs = c1.stdout().lines().count() - 1;
        m.put("ps while paused", c1.ok() ? (procs >= 1 && procs <= 2 ? "ok, 1-2 processes" : "ok, " + procs + " processes")
                : Outcome.of(c1, n).toString());
        m.put("freezer while paused", freezer(id));
        m.put("pause again", Outcome.of(ctr.exec("task", "pause", id), n).toString());
        m.put("exec while paused", Outcome.of(ctr.taskExec(id, id + "-x", "/bin/true"), n).toString());
        m.put("status still", ctr.taskStatus(id));
        m.put("resume", Outcome.of(ctr.exec("task", "resume", id), n).toString());
        m.put("status after resume", ctr.taskStatus(id));
        m.put("freezer after resume", freezer(id));
        m.put("resumed event", String.valueOf(events.awaitTopic(id, "/tasks/resumed", Duration.ofSeconds(10)) != null));
        m.put("resume again", Outcome.of(ctr.exec("task", "resume", id), n).toString());
        m.put("exec after resume", Outcome.of(ctr.taskExec(id, id + "-y", "/bin/echo", "alive"), n).toString());
        // pause, then kill while paused: the task must still die and be removable
        m.put("pause 2", Outcome.of(ctr.exec("task", "pause", id), n).toString());
        m.put("kill -s SIGKILL while paused", Outcome.of(ctr.exec("task", "kill", "-s", "SIGKILL", id), n).toString());
        m.put("status after kill", ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(15)));
        Event exit = events.awaitExit(id, id, Duration.ofSeconds(10));
        m.put("exit status", exit == null ? "no /tasks/exit" : Long.toString(exit.num("exit_status")));
        m.put("task rm", Outcome.of(ctr.exec("task", "rm", id), n).toString());
        m.put("container rm", Outcome.of(ctr.exec("container", "rm", id), n).toString());
        Leftovers left = Leftovers.awaitClean(ctd, rt, id, Duration.ofSeconds(15), false);
        m.put("clean", left.clean() ? "yes" : left.toString());
        m.put("events", String.join("\n", comparableEvents(rt, id)));
        System.err.println("[e2e] " + rt + ":\n  " + String.join("\n  ", m.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
        return m;
    }

    /** The ctr of 1.x ends an error of code Unknown with ": unknown"; that of 2.x prints the message alone. */
    private String unknownSuffix() {
        return ctd.config().containerd().version().atLeast2() ? "" : ": unknown";
    }

    @Test
    void pauseAndResume() {
        Sides<Map<String, String>> s = Sides.run(ref, ut, this::scenario);
        List<Executable> checks = new ArrayList<>();
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            String who = side.getKey();
            Map<String, String> m = side.getValue();
            checks.add(() -> assertEquals("exit 0", m.get("run -d"), who + ": run -d"));
            if (!"exit 0".equals(m.get("run -d"))) {
                continue;
            }
            checks.add(() -> assertEquals("exit 0", m.get("pause"), who + ": pause"));
            checks.add(() -> assertEquals("PAUSED", m.get("status after pause"), who + ": ctr task ls after pause"));
            checks.add(() -> assertEquals("true", m.get("paused event"), who + ": /tasks/paused"));
            checks.add(() -> assertEquals("THAWED", m.get("freezer before"), who + ": freezer before pause"));
            checks.add(() -> assertEquals("FROZEN", m.get("freezer while paused"), who + ": freezer while paused"));
            checks.add(() -> assertEquals("THAWED", m.get("freezer after resume"), who + ": freezer after resume"));
            checks.add(() -> assertEquals("exit 1 stderr=ctr: cannot pause a paused container" + unknownSuffix(), m.get("pause again"), who + ": pause again"));
            checks.add(() -> assertEquals("exit 1 stderr=ctr: cannot exec in a paused state" + unknownSuffix(), m.get("exec while paused"), who + ": exec while paused"));
            checks.add(() -> assertEquals("exit 0", m.get("resume"), who + ": resume"));
            checks.add(() -> assertEquals("RUNNING", m.get("status after resume"), who + ": ctr task ls after resume"));
            checks.add(() -> assertEquals("true", m.get("resumed event"), who + ": /tasks/resumed"));
            checks.add(() -> assertEquals("exit 1 stderr=ctr: cannot resume a running process" + unknownSuffix(), m.get("resume again"), who + ": resume again"));
            checks.add(() -> assertEquals("exit 0 stdout=alive", m.get("exec after resume"), who + ": exec after resume"));
            checks.add(() -> assertEquals("STOPPED", m.get("status after kill"), who + ": SIGKILL while paused"));
            checks.add(() -> assertEquals("137", m.get("exit status"), who + ": exit status after SIGKILL while paused"));
            checks.add(() -> assertEquals("yes", m.get("clean"), who + ": leftovers"));
            checks.add(() -> assertTrue(m.get("events").contains("/tasks/paused {container_id=<id>}\n/tasks/resumed {container_id=<id>}"),
                    who + ": events " + m.get("events")));
        }
        for (String k : s.ref().keySet()) {
            checks.add(() -> assertEquals(s.ref().get(k), s.ut().get(k), k + ": runtime under test differs from reference"));
        }
        assertAll(checks);
    }
}
