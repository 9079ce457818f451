package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Scenario 3: run -d, RUNNING, SIGTERM, STOPPED, task rm + container rm, and nothing is left behind. */
class LifecycleCleanupTest extends E2eTestBase {

    LifecycleCleanupTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** The comparable part of the lifecycle. */
    record Lifecycle(boolean started, String statusAfterRun, int shimProcsWhileRunning, boolean socketWhileRunning,
                     boolean stateDirWhileRunning, boolean bundleWhileRunning,
                     boolean killOk, String statusAfterKill, Long exitStatus, boolean taskRmOk, boolean containerRmOk,
                     String statusAfterRm, boolean clean) {}

    @Test
    void killStopDeleteLeavesNothingBehind() {
        java.util.Map<ShimRuntime, Leftovers> leftovers = new java.util.HashMap<>();
        Sides<Lifecycle> s = Sides.run(ref, ut, rt -> {
            String id = containers.newId(rt, "life");
            CmdResult run = ctr.runDetached(rt, id, SLEEPER);
            if (!run.ok()) {
                System.err.println("[e2e] " + rt + ": " + run);
                return new Lifecycle(false, ctr.taskStatus(id), 0, false, false, false, false, null, null, false, false, null, false);
            }
            String running = ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(10));
            // SIGTERM before the shell (pid 1 of its namespace) has set its trap would be ignored
            ctr.awaitProcesses(id, 2, Duration.ofSeconds(10));
            Leftovers whileRunning = Leftovers.scan(ctd, rt, id);
            CmdResult kill = ctr.kill(id, null);
            Event exit = events.awaitTopic(id, "/tasks/exit", Duration.ofSeconds(15));
            String stopped = ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(10));
            CmdResult taskRm = ctr.exec("task", "rm", id);
            CmdResult cRm = ctr.exec("container", "rm", id);
            String afterRm = ctr.taskStatus(id);
            Leftovers left = Leftovers.awaitClean(ctd, rt, id, Duration.ofSeconds(10), false);
            leftovers.put(rt, left);
            for (CmdResult r : new CmdResult[] {run, kill, taskRm, cRm}) {
                if (!r.ok()) {
                    System.err.println("[e2e] " + rt + ": " + r);
                }
            }
            return new Lifecycle(run.ok(), running, whileRunning.shimPids().size(), whileRunning.socket() != null,
                    whileRunning.stateDir() != null, whileRunning.bundleDir() != null,
                    kill.ok(), stopped, exit == null ? null : exit.num("exit_status"), taskRm.ok(), cRm.ok(), afterRm, left.clean());
        });
        Lifecycle expected = new Lifecycle(true, "RUNNING", 1, true, true, true, true, "STOPPED", 143L, true, true, "ABSENT", true);
        assertAll(
                () -> assertEquals(expected, s.ref(), "reference"),
                () -> assertEquals(expected, s.ut(), "under test"),
                () -> assertTrue(leftovers.get(ut).clean(), "leftovers under test: " + leftovers.get(ut)),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }
}
