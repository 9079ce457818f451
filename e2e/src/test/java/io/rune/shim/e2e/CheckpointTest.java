package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code ctr task checkpoint} of a running container. On this machine CRIU cannot dump (Debian criu 3.17
 * fails {@code criu check} on this kernel), so under runc.v2 the attempt fails; the runtime under test
 * must fail the same way (same ctr exit code and message, the binary's name aside) and the container must
 * keep running. Where CRIU works, both must succeed alike instead.
 */
class CheckpointTest extends E2eTestBase {

    CheckpointTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /**
     * @param checkpoint    ctr task checkpoint (default image)
     * @param withImagePath ctr task checkpoint --image-path <dir>
     * @param dumpLog       whether {@code <bundle>/criu-dump.log} exists afterwards
     */
    record Ckpt(boolean started, Outcome checkpoint, Outcome withImagePath, boolean dumpLog, String statusAfter,
                Outcome execAfter, List<String> events, boolean clean) {}

    private Ckpt scenario(ShimRuntime rt) {
        String id = containers.newId(rt, "ckpt");
        if (!startSleeper(rt, id)) {
            return new Ckpt(false, null, null, false, null, null, List.of(), teardown(rt, id).clean());
        }
        events.awaitTopic(id, "/tasks/start", Duration.ofSeconds(5));
        // the runc binary's own name appears in go-runc style errors ("runc did not terminate successfully")
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>").put("rune did not", "runc did not");
        CmdResult c1 = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", id));
        CmdResult c2 = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", "--image-path",
                ctd.base().resolve("ckpt").resolve(id).toString(), id));
        boolean dumpLog = Files.exists(ctd.bundleDir(id).resolve("criu-dump.log"));
        String st = ctr.taskStatus(id);
        CmdResult exec = ctr.taskExec(id, id + "-after", "/bin/echo", "alive");
        Poll.sleep(Duration.ofMillis(300));
        List<String> evs = new ArrayList<>();
        boolean afterStart = false;
        for (String e : EventNormalizer.normalize(events.forContainer(id), id)) {
            if (afterStart) {
                evs.add(e);
            }
            afterStart |= e.startsWith("/tasks/start ");
        }
        System.err.println("[e2e] " + rt + ":\n  " + c1 + "\n  " + c2 + "\n  dump log " + dumpLog + ", status " + st + ", " + exec);
        return new Ckpt(true, Outcome.of(c1, n), Outcome.of(c2, n), dumpLog, st, Outcome.of(exec, n), evs, teardown(rt, id).clean());
    }

    @Test
    void checkpointFailsLikeRuncAndTheContainerKeepsRunning() {
        Sides<Ckpt> s = Sides.run(ref, ut, this::scenario);
        boolean criuWorks = s.ref().checkpoint() != null && s.ref().checkpoint().ok();
        System.err.println("[e2e] CRIU checkpoint under the reference " + (criuWorks ? "works" : "fails") + " on this machine");
        List<Executable> checks = new ArrayList<>();
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            String who = side.getKey();
            Ckpt c = side.getValue();
            checks.add(() -> assertTrue(c.started(), who + ": ctr run -d failed"));
            if (!c.started()) {
                continue;
            }
            if (!criuWorks) {
                checks.add(() -> assertFalse(c.checkpoint().ok(), who + ": checkpoint should fail here: " + c.checkpoint()));
                checks.add(() -> assertTrue(c.checkpoint().stderr().startsWith("ctr: ") && c.checkpoint().stderr().length() > 10,
                        who + ": checkpoint error message: " + c.checkpoint()));
                checks.add(() -> assertTrue(c.dumpLog(), who + ": criu-dump.log copied into the bundle"));
            }
            checks.add(() -> assertEquals("RUNNING", c.statusAfter(), who + ": status after checkpoint"));
            checks.add(() -> assertEquals(new Outcome(0, "alive\n", ""), c.execAfter(), who + ": exec after checkpoint"));
            checks.add(() -> assertTrue(c.clean(), who + ": leftovers"));
        }
        checks.add(() -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
        assertAll(checks);
    }
}
