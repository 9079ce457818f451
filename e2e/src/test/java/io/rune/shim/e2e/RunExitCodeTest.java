package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Scenarios 1 and 2: output and exit codes of {@code ctr run}, SIGKILLed containers. */
class RunExitCodeTest extends E2eTestBase {

    RunExitCodeTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** What {@code ctr run --rm} reports: its exit code, stdout, and the exit_status of the /tasks/exit event. */
    record RunRm(int exit, String stdout, Long eventExitStatus, List<String> events) {}

    private RunRm runRm(ShimRuntime rt, String label, String... cmd) {
        String id = containers.newId(rt, label);
        CmdResult r = ctr.runRm(rt, id, cmd);
        System.err.println("[e2e] " + rt + " " + r.describe());
        Event exit = null;
        if (events.created(id)) { // no task, no events to wait for
            exit = events.awaitTopic(id, "/tasks/exit", Duration.ofSeconds(10));
            events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(5));
        }
        return new RunRm(r.timedOut() ? -1 : r.exitCode(), r.stdout(),
                exit == null ? null : exit.num("exit_status"), comparableEvents(rt, id));
    }


    @Test
    void echoPrintsHello() {
        Sides<RunRm> s = Sides.run(ref, ut, rt -> runRm(rt, "echo", "/bin/echo", "hello"));
        assertAll(
                () -> assertEquals(new RunRm(0, "hello\n", 0L, s.ref().events()), s.ref(), "reference"),
                () -> assertEquals(0, s.ut().exit(), "exit code"),
                () -> assertEquals("hello\n", s.ut().stdout(), "stdout"),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }

    @Test
    void exitCodeIsPropagated() {
        Sides<RunRm> s = Sides.run(ref, ut, rt -> runRm(rt, "exit3", "/bin/sh", "-c", "exit 3"));
        assertAll(
                () -> assertEquals(3, s.ref().exit(), "reference"),
                () -> assertEquals(3, s.ut().exit(), "ctr run --rm exit code"),
                () -> assertEquals(3L, s.ut().eventExitStatus(), "/tasks/exit exit_status"),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }

    /**
     * A child killed by SIGKILL inside the container: the shell reports 128+9. (The literal
     * {@code sh -c 'kill -9 $$'} cannot die: the shell is PID 1 of the container's pid namespace,
     * and the kernel ignores SIGKILL sent to it from inside; see {@link #sigkillToPid1FromInsideIsIgnored}.)
     */
    @Test
    void childKilledBySigkillGives137() {
        Sides<RunRm> s = Sides.run(ref, ut, rt -> runRm(rt, "kill9", "/bin/sh", "-c", "/bin/sh -c 'kill -9 $$'; exit $?"));
        assertAll(
                () -> assertEquals(137, s.ref().exit(), "reference"),
                () -> assertEquals(137, s.ut().exit(), "ctr run --rm exit code"),
                () -> assertEquals(137L, s.ut().eventExitStatus(), "/tasks/exit exit_status"),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }

    @Test
    void sigkillToPid1FromInsideIsIgnored() {
        Sides<RunRm> s = Sides.run(ref, ut, rt -> runRm(rt, "self9", "/bin/sh", "-c", "kill -9 $$"));
        assertAll(
                () -> assertEquals(0, s.ref().exit(), "reference (PID 1 ignores SIGKILL from inside its namespace)"),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }

    /** {@code ctr run --rm} attached to a sleeper that is killed from outside with SIGKILL exits 137. */
    @Test
    void attachedRunKilledFromOutsideExits137() {
        Sides<RunRm> s = Sides.run(ref, ut, rt -> {
            String id = containers.newId(rt, "attkill");
            CompletableFuture<CmdResult> run = CompletableFuture.supplyAsync(() -> ctr.runRm(rt, id, "/bin/sleep", "1000"));
            String st = Poll.until(Duration.ofSeconds(30), () -> run.isDone() ? "ctr exited" : ctr.taskStatus(id),
                    x -> x.equals("RUNNING") || x.equals("ctr exited"));
            CmdResult kill = ctr.kill(id, "SIGKILL");
            CmdResult r;
            try {
                r = run.get(40, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError(rt + ": ctr run --rm did not return after SIGKILL (status was " + st + ", kill " + kill + ")", e);
            }
            Event exit = events.awaitTopic(id, "/tasks/exit", Duration.ofSeconds(10));
            events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(5));
            System.err.println("[e2e] " + rt + " " + r.describe());
            return new RunRm(r.exitCode(), r.stdout(), exit == null ? null : exit.num("exit_status"), comparableEvents(rt, id));
        });
        assertAll(
                () -> assertEquals(137, s.ref().exit(), "reference"),
                () -> assertEquals(137, s.ut().exit(), "ctr run --rm exit code"),
                () -> assertEquals(137L, s.ut().eventExitStatus(), "/tasks/exit exit_status"),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }

    /** What a detached container killed with {@code ctr task kill -s SIGKILL} looks like. */
    record Killed(boolean started, String statusBefore, boolean killOk, String statusAfter, Long exitStatus, List<String> events) {}

    @Test
    void detachedContainerKilledWithSigkill() {
        Sides<Killed> s = Sides.run(ref, ut, rt -> {
            String id = containers.newId(rt, "sigkill");
            CmdResult run = ctr.runDetached(rt, id, "/bin/sleep", "1000");
            if (!run.ok()) {
                System.err.println("[e2e] " + rt + ": " + run);
                return new Killed(false, ctr.taskStatus(id), false, null, null, comparableEvents(rt, id));
            }
            String before = ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(10));
            CmdResult kill = ctr.kill(id, "SIGKILL");
            Event exit = events.awaitTopic(id, "/tasks/exit", Duration.ofSeconds(15));
            String after = ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(10));
            if (!run.ok() || !kill.ok()) {
                System.err.println("[e2e] " + rt + ": " + run + "\n" + kill);
            }
            Killed k = new Killed(run.ok(), before, kill.ok(), after, exit == null ? null : exit.num("exit_status"),
                    comparableEvents(rt, id));
            ctr.exec("task", "rm", id);
            ctr.exec("container", "rm", id);
            return k;
        });
        assertAll(
                () -> assertEquals(new Killed(true, "RUNNING", true, "STOPPED", 137L, s.ref().events()), s.ref(), "reference"),
                () -> assertNotNull(s.ut().exitStatus(), "no /tasks/exit event"),
                () -> assertEquals(new Killed(true, "RUNNING", true, "STOPPED", 137L, s.ut().events()), s.ut(), "under test"),
                () -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }
}
