package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * A container that allocates without bound under {@code --memory-limit 33554432} (busybox {@code tail /dev/zero}:
 * no newline, so tail buffers everything): the kernel OOM-kills it; the shim publishes /tasks/oom (docs/protocol.md
 * §8) before /tasks/exit with exit_status 137; {@code ctr run --rm} exits 137.
 */
class OomTest extends E2eTestBase {
    static final String LIMIT = "33554432";

    OomTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /**
     * What one runtime showed.
     *
     * @param exit       exit code of {@code ctr run --rm} (-1 = timed out)
     * @param topics     the container's /tasks/* topics in receipt order, consecutive repeats of /tasks/oom collapsed
     * @param ooms       how many /tasks/oom arrived (not compared: one per eventfd wake-up, timing dependent)
     * @param oomBeforeExit the first /tasks/oom was received before the init's /tasks/exit
     * @param exitStatus exit_status of the init's /tasks/exit, null when none came
     * @param events     the normalized /tasks/* events, /tasks/oom repeats collapsed
     * @param clean      nothing left on the host
     */
    record Oom(int exit, List<String> topics, int ooms, boolean oomBeforeExit, Long exitStatus, List<String> events, boolean clean) {}

    private static List<String> collapseOoms(List<String> in) {
        List<String> out = new ArrayList<>();
        for (String s : in) {
            if (s.startsWith("/tasks/oom") && !out.isEmpty() && out.get(out.size() - 1).equals(s)) {
                continue;
            }
            out.add(s);
        }
        return out;
    }

    private Oom scenario(ShimRuntime rt) {
        String id = containers.newId(rt, "oom");
        CmdResult r = ctr.run(rt, List.of("--rm", "--memory-limit", LIMIT), id, "/bin/tail", "/dev/zero");
        Event exit = null;
        Event oom = null;
        if (events.created(id)) {
            exit = events.awaitExit(id, id, Duration.ofSeconds(10));
            oom = events.awaitTopic(id, "/tasks/oom", Duration.ofSeconds(5));
            events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(5));
        }
        List<Event> evs = events.forContainer(id);
        int ooms = (int) evs.stream().filter(e -> e.topic().equals("/tasks/oom")).count();
        Leftovers left = Leftovers.awaitClean(ctd, rt, id, Duration.ofSeconds(15), false);
        Oom o = new Oom(r.timedOut() ? -1 : r.exitCode(),
                collapseOoms(comparable(rt, evs.stream().map(Event::topic).filter(t -> t.startsWith("/tasks/")).toList())),
                ooms, oom != null && exit != null && oom.seq() < exit.seq(),
                exit == null ? null : exit.num("exit_status"),
                collapseOoms(comparable(rt, EventNormalizer.normalize(evs, id))), left.clean());
        System.err.println("[e2e] " + rt + ": " + r.describe() + "\n  " + o + (left.clean() ? "" : "\n  leftovers " + left)
                + "\n  raw events:\n    " + String.join("\n    ", evs.stream().map(Event::toString).toList()));
        return o;
    }

    @Test
    void oomKilledContainerPublishesOomThenExit137() {
        Sides<Oom> s = Sides.run(ref, ut, this::scenario);
        List<Executable> checks = new ArrayList<>();
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            String who = side.getKey();
            Oom o = side.getValue();
            checks.add(() -> assertEquals(137, o.exit(), who + ": ctr run --rm exit code"));
            checks.add(() -> assertEquals(137L, o.exitStatus(), who + ": /tasks/exit exit_status"));
            checks.add(() -> assertTrue(o.ooms() >= 1, who + ": no /tasks/oom; topics " + o.topics()));
            checks.add(() -> assertTrue(o.oomBeforeExit(), who + ": /tasks/oom not before /tasks/exit; topics " + o.topics()));
            checks.add(() -> assertEquals(comparable(ref, List.of("/tasks/create", "/tasks/start", "/tasks/oom", "/tasks/exit", "/tasks/delete")), o.topics(),
                    who + ": /tasks/* topics"));
            checks.add(() -> assertTrue(o.events().contains("/tasks/oom {container_id=<id>}"), who + ": /tasks/oom payload " + o.events()));
            checks.add(() -> assertTrue(o.clean(), who + ": leftovers"));
        }
        checks.add(() -> assertEquals(s.ref().topics(), s.ut().topics(), "topics: runtime under test differs from reference"));
        checks.add(() -> assertEquals(s.ref().events(), s.ut().events(), "events: runtime under test differs from reference"));
        checks.add(() -> assertEquals(s.ref().exit(), s.ut().exit(), "ctr run --rm exit code: runtime under test differs from reference"));
        assertAll(checks);
    }
}
