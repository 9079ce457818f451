package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Scenario 4: the task events of one container, in order, with the same fields as under the reference. */
class TaskEventsTest extends E2eTestBase {
    private static final List<String> LIFECYCLE = List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete");

    TaskEventsTest(PrivateContainerd ctd) {
        super(ctd);
    }

    record Observed(String id, int exit, List<Event> events, List<String> normalized) {
        List<String> topics() {
            return events.stream().map(Event::topic).filter(t -> t.startsWith("/tasks/")).toList();
        }

        Event first(String topic) {
            return events.stream().filter(e -> e.topic().equals(topic)).findFirst().orElse(null);
        }
    }

    private Observed observe(ShimRuntime rt, int code) {
        String id = containers.newId(rt, "ev" + code);
        CmdResult r = ctr.runRm(rt, id, "/bin/sh", "-c", "exit " + code);
        if (!r.ok() && r.exitCode() != code) {
            System.err.println("[e2e] " + rt + ": " + r);
        }
        if (events.created(id)) {
            events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(15));
        }
        Poll.sleep(Duration.ofMillis(200)); // let stragglers (duplicates, late retries) arrive
        List<Event> evs = events.forContainer(id);
        System.err.println("[e2e] " + rt + " events:\n  " + String.join("\n  ", evs.stream().map(Event::toString).toList()));
        return new Observed(id, r.timedOut() ? -1 : r.exitCode(), evs, EventNormalizer.normalize(evs, id));
    }

    /**
     * @param deleteMayBeLost the reference under containerd 2.x: its runc shim can exit before it
     *                        forwards the /tasks/delete it queued ({@link #comparable}); ours never may
     */
    private List<Executable> absolute(String who, Observed o, int code, boolean deleteMayBeLost) {
        List<Executable> checks = new ArrayList<>();
        checks.add(() -> assertEquals(code, o.exit(), who + ": ctr run --rm exit code"));
        List<String> withoutDelete = LIFECYCLE.subList(0, LIFECYCLE.size() - 1);
        if (deleteMayBeLost && o.topics().equals(withoutDelete)) {
            System.err.println("[e2e] " + who + ": no /tasks/delete (the 2.x runc shim's known loss)");
            return checks;
        }
        checks.add(() -> assertEquals(LIFECYCLE, o.topics(), who + ": task event topics in receipt order"));
        if (!o.topics().equals(LIFECYCLE)) {
            return checks;
        }
        Event create = o.first("/tasks/create");
        Event start = o.first("/tasks/start");
        Event exit = o.first("/tasks/exit");
        Event delete = o.first("/tasks/delete");
        long pid = create.num("pid");
        checks.add(() -> assertNotEquals(0, pid, who + ": /tasks/create pid"));
        checks.add(() -> assertEquals(pid, start.num("pid"), who + ": /tasks/start pid"));
        checks.add(() -> assertEquals(pid, exit.num("pid"), who + ": /tasks/exit pid"));
        checks.add(() -> assertEquals(pid, delete.num("pid"), who + ": /tasks/delete pid"));
        checks.add(() -> assertEquals(o.id(), exit.data().path("id").asText(), who + ": /tasks/exit id == container_id"));
        checks.add(() -> assertEquals(code, exit.num("exit_status"), who + ": /tasks/exit exit_status"));
        checks.add(() -> assertEquals(code, delete.num("exit_status"), who + ": /tasks/delete exit_status"));
        checks.add(() -> assertTrue(exit.has("exited_at") && delete.has("exited_at"), who + ": exited_at present"));
        checks.add(() -> assertEquals(exit.data().path("exited_at").asText(), delete.data().path("exited_at").asText(),
                who + ": /tasks/delete exited_at == /tasks/exit exited_at"));
        checks.add(() -> assertEquals(ctd.bundleDir(o.id()).toString(), create.data().path("bundle").asText(), who + ": bundle"));
        return checks;
    }

    @ParameterizedTest(name = "exit {0}")
    @ValueSource(ints = {0, 7})
    void lifecycleEventsMatchReference(int code) {
        Sides<Observed> s = Sides.run(ref, ut, rt -> observe(rt, code));
        List<Executable> checks = new ArrayList<>();
        boolean v2 = ctd.config().containerd().version().atLeast2();
        checks.addAll(absolute("reference", s.ref(), code, v2));
        checks.addAll(absolute("under test", s.ut(), code, false));
        checks.add(() -> assertEquals(comparable(ref, s.ref().normalized()), comparable(ut, s.ut().normalized()),
                "normalized task events differ from reference"));
        assertAll(checks);
    }
}
