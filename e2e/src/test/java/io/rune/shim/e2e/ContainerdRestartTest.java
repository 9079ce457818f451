package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.ProcScan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * containerd is restarted (SIGTERM, start again with the same config) while a task of each runtime runs
 * and another one has exited but is not deleted. containerd reconnects to the shims (address file +
 * Connect): afterwards the running task is RUNNING with the same pid and shim, exec/kill/delete work,
 * events flow again, the stopped task is STOPPED and deletable (1.6; 1.7 and later drop it), and nothing leaks.
 */
class ContainerdRestartTest extends E2eTestBase {

    ContainerdRestartTest(PrivateContainerd ctd) {
        super(ctd);
    }

    record Before(String running, String stopped, long pid, List<Long> shims, boolean ok) {}

    record After(boolean started, String status, boolean samePid, boolean sameShim, String stoppedStatus, Outcome exec,
                 String execEvents, Outcome kill, String exitEvent, Outcome taskRm, Outcome containerRm,
                 Outcome stoppedTaskRm, Outcome stoppedContainerRm, boolean clean) {}

    private Before before(ShimRuntime rt) {
        String running = containers.newId(rt, "restart");
        String stopped = containers.newId(rt, "restartx");
        boolean ok = startSleeper(rt, running);
        CmdResult st = ctr.runDetached(rt, stopped, "/bin/sh", "-c", "exit 7");
        ok &= st.ok() && ctr.awaitStatus(stopped, "STOPPED", Duration.ofSeconds(15)).equals("STOPPED");
        long pid = ctr.task(running).map(Ctr.TaskInfo::pid).orElse(-1L);
        return new Before(running, stopped, pid, ProcScan.shimPids(ctd.address(), running), ok);
    }

    private After after(ShimRuntime rt, Before b) {
        if (!b.ok()) {
            teardown(rt, b.running());
            teardown(rt, b.stopped());
            return new After(false, null, false, false, null, null, null, null, null, null, null, null, null, false);
        }
        EventStream ev = ctd.events(); // the subscription was renewed by the restart
        String id = b.running();
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>").put(b.stopped(), "<stopped>");
        String status = ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(15));
        boolean samePid = ctr.task(id).map(Ctr.TaskInfo::pid).orElse(-2L) == b.pid();
        boolean sameShim = !b.shims().isEmpty() && b.shims().equals(ProcScan.shimPids(ctd.address(), id));
        String stoppedStatus = ctr.taskStatus(b.stopped());
        CmdResult exec = ctr.taskExec(id, id + "-x", "/bin/echo", "alive");
        Event exitX = ev.awaitExit(id, id + "-x", Duration.ofSeconds(15));
        String execEvents = ev.forContainer(id).stream().map(Event::topic).toList() + (exitX == null ? " (no exec exit)" : "");
        CmdResult kill = ctr.kill(id, null);
        Event exit = ev.awaitExit(id, id, Duration.ofSeconds(15));
        ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(15));
        CmdResult rm = ctr.exec("task", "rm", id);
        CmdResult crm = ctr.exec("container", "rm", id);
        CmdResult srm = ctr.exec("task", "rm", b.stopped());
        CmdResult scrm = ctr.exec("container", "rm", b.stopped());
        // 1.7+ forget the exited task at reload (see tasksSurviveAContainerdRestart): ctr task rm cannot
        // load it, so its FIFOs stay, as under the reference
        boolean clean = teardown(rt, id).clean() & (reloadDropsExitedTasks()
                ? teardown(rt, b.stopped()).cleanIgnoringSocket() : teardown(rt, b.stopped()).clean());
        After a = new After(true, status, samePid, sameShim, stoppedStatus, Outcome.of(exec, n), execEvents, Outcome.of(kill, n),
                exit == null ? "none" : "exit_status " + exit.num("exit_status"), Outcome.of(rm, n), Outcome.of(crm, n),
                Outcome.of(srm, n), Outcome.of(scrm, n), clean);
        System.err.println("[e2e] " + rt + " after restart: " + a);
        return a;
    }

    /**
     * containerd 1.7 and later, reloading a shim, ask it for Pids and tear the shim down (Delete,
     * Shutdown) when it is no sandbox and lists no process: the task of an exited container is gone
     * after the restart (docs/protocol.md §1.9). 1.6 keeps it as STOPPED.
     */
    private boolean reloadDropsExitedTasks() {
        return ctd.config().containerd().version().atLeast(1, 7);
    }

    @Test
    void tasksSurviveAContainerdRestart() {
        Before r = before(ref);
        Before u = before(ut);
        try {
            ctd.restart();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Sides<After> s = new Sides<>(after(ref, r), after(ut, u));
        System.err.println("[e2e] outcome:" + s);
        for (var side : List.of(java.util.Map.entry("reference", s.ref()), java.util.Map.entry("under test", s.ut()))) {
            After a = side.getValue();
            String who = side.getKey();
            assertTrue(a.started(), who + ": setup before the restart failed");
            assertAll(
                    () -> assertEquals("RUNNING", a.status(), who + ": status after restart"),
                    () -> assertTrue(a.samePid(), who + ": same task pid after restart"),
                    () -> assertTrue(a.sameShim(), who + ": same shim process after restart"),
                    () -> assertEquals(reloadDropsExitedTasks() ? "ABSENT" : "STOPPED", a.stoppedStatus(), who + ": exited task after restart"),
                    () -> assertEquals(new Outcome(0, "alive\n", ""), a.exec(), who + ": exec after restart"),
                    () -> assertEquals("[/tasks/exec-added, /tasks/exec-started, /tasks/exit]", a.execEvents(), who + ": events after restart"),
                    () -> assertEquals(0, a.kill().exit(), who + ": kill " + a.kill()),
                    () -> assertEquals("exit_status 143", a.exitEvent(), who + ": /tasks/exit after restart"),
                    () -> assertEquals(0, a.taskRm().exit(), who + ": task rm " + a.taskRm()),
                    () -> assertEquals(0, a.containerRm().exit(), who + ": container rm " + a.containerRm()),
                    () -> assertEquals(reloadDropsExitedTasks() ? 1 : 0, a.stoppedTaskRm().exit(), who + ": task rm of the exited task " + a.stoppedTaskRm()),
                    () -> assertEquals(0, a.stoppedContainerRm().exit(), who + ": container rm of the exited task " + a.stoppedContainerRm()),
                    () -> assertTrue(a.clean(), who + ": leftovers"));
        }
        assertEquals(s.ref(), s.ut(), "runtime under test differs from reference");
    }
}
