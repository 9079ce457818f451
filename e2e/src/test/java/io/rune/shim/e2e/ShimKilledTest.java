package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Scenario 6: the shim daemon is SIGKILLed while its container runs. containerd notices the closed
 * connection, runs {@code <shim> ... delete}, publishes /tasks/exit + /tasks/delete from the
 * DeleteResponse and forgets the task. The container process must die with it and nothing but the
 * shim socket (which a SIGKILLed Go shim cannot remove either) may remain.
 */
class ShimKilledTest extends E2eTestBase {

    ShimKilledTest(PrivateContainerd ctd) {
        super(ctd);
    }

    record ShimKilled(boolean started, int shimProcs, String statusAfterKill, boolean containerProcessGone,
                      Long exitEventStatus, Long deleteEventStatus, int taskRmExit, boolean containerRmOk,
                      boolean cleanApartFromSocket, List<String> events) {}

    /** Observed but not compared: whether the shim socket file was left behind. */
    private final java.util.Map<ShimRuntime, Leftovers> leftovers = new java.util.HashMap<>();

    private ShimKilled scenario(ShimRuntime rt) {
        String id = containers.newId(rt, "shimkill");
        CmdResult run = ctr.runDetached(rt, id, SLEEPER);
        if (!run.ok()) {
            System.err.println("[e2e] " + rt + ": " + run);
            return new ShimKilled(false, 0, ctr.taskStatus(id), false, null, null, -1, false, false, List.of());
        }
        ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(10));
        long taskPid = ctr.task(id).map(Ctr.TaskInfo::pid).orElse(0L);
        long taskStart = ProcScan.startTime(taskPid);
        List<Long> shims = ProcScan.shimPids(ctd.address(), id);
        for (long pid : shims) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
        Event exit = events.awaitTopic(id, "/tasks/exit", Duration.ofSeconds(20));
        Event delete = events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(10));
        String status = Poll.until(Duration.ofSeconds(10), () -> ctr.taskStatus(id), st -> !st.equals("RUNNING"));
        boolean gone = taskPid > 0 && Poll.until(Duration.ofSeconds(10),
                () -> !ProcScan.running(taskPid) || ProcScan.startTime(taskPid) != taskStart, b -> b);
        CmdResult taskRm = ctr.exec("task", "rm", id);
        CmdResult cRm = ctr.exec("container", "rm", id);
        Leftovers left = Leftovers.awaitClean(ctd, rt, id, Duration.ofSeconds(10), true);
        leftovers.put(rt, left);
        System.err.printf("[e2e] %s: shims %s killed; task pid %d; ctr task ls then shows %s; %s; %s; leftovers %s%n",
                rt, shims, taskPid, status, taskRm.describe(), cRm.describe(), left);
        return new ShimKilled(run.ok(), shims.size(), status, gone,
                exit == null ? null : exit.num("exit_status"), delete == null ? null : delete.num("exit_status"),
                taskRm.exitCode(), cRm.ok(), left.cleanIgnoringSocket(),
                EventNormalizer.normalize(events.forContainer(id), id));
    }

    @Test
    void shimKilledWhileContainerRuns() {
        Sides<ShimKilled> s = Sides.run(ref, ut, this::scenario);
        assertTrue(s.ref().started() && s.ut().started(), "ctr run -d failed (see outcome above)");
        assertAll(
                () -> assertTrue(s.ref().started() && s.ref().shimProcs() == 1, "reference setup"),
                () -> assertTrue(s.ut().started(), "under test: ctr run -d failed"),
                () -> assertEquals(1, s.ut().shimProcs(), "under test: shim processes for the container"),
                () -> assertNotEquals("RUNNING", s.ut().statusAfterKill(), "under test: task still RUNNING after the shim died"),
                () -> assertTrue(s.ut().containerProcessGone(), "under test: container process survived its shim"),
                () -> assertEquals(137L, s.ut().exitEventStatus(), "under test: /tasks/exit exit_status"),
                () -> assertEquals(137L, s.ut().deleteEventStatus(), "under test: /tasks/delete exit_status"),
                () -> assertTrue(s.ut().containerRmOk(), "under test: ctr container rm"),
                () -> assertTrue(s.ut().cleanApartFromSocket(), "under test: leftovers " + leftovers.get(ut)),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }
}
