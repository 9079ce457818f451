package io.rune.shim.task;

import io.rune.shim.api.Code;
import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.rune.shim.api.events.TaskExit;
import io.rune.shim.api.task.*;
import io.rune.shim.api.types.Status;
import io.rune.shim.carrier.CommandRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The init and exec lifecycles through the task service, with a fake rune and fed exits. */
class TaskLifecycleTest {
    private final FakeRune rune = new FakeRune();
    private final List<String> topics = new ArrayList<>();
    private final List<MessageLite> events = new ArrayList<>();
    private final CountDownLatch lastGone = new CountDownLatch(1);
    /** Own threads: the common pool may have one thread only (two cores), and these calls block. */
    private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();
    private TaskService tasks;
    @TempDir Path bundle;

    @BeforeEach
    void setUp() throws Exception {
        Files.writeString(bundle.resolve("config.json"),
                "{\"process\":{\"env\":[\"PATH=/bin\"]},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}");
        CommandRunner noTools = c -> { throw new AssertionError("no carrier tool expected: " + c.argv()); };
        tasks = new TaskService("ns", 4242, false, new TaskPorts(rune, noTools, (argv, env, fds) -> {
            throw new AssertionError("no helper expected");
        }), this::record, lastGone::countDown);
    }

    private synchronized void record(String topic, MessageLite event) {
        topics.add(topic);
        events.add(event);
    }

    private synchronized List<String> topics() {
        return List.copyOf(topics);
    }

    private int create(String id) throws Exception {
        return tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build()).getPid();
    }

    private StateResponse state(String id, String exec) {
        return tasks.state(StateRequest.newBuilder().setId(id).setExecId(exec).build());
    }

    private void exit(int pid, int status) {
        tasks.processExited(pid, status, Instant.now());
    }

    private WaitResponse await(String id, String exec) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return tasks.await(WaitRequest.newBuilder().setId(id).setExecId(exec).build());
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        }, threads).get(10, TimeUnit.SECONDS);
    }

    private static String error(ThrowingCall call) {
        return assertThrows(ShimError.class, call::run).getMessage();
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void initRunsExitsAndIsDeleted() throws Exception {
        int pid = create("c1");
        assertEquals(String.valueOf(pid), Files.readString(bundle.resolve("init.pid")));
        assertEquals(Status.CREATED, state("c1", "").getStatus());
        assertEquals(pid, tasks.start(StartRequest.newBuilder().setId("c1").build()).getPid());
        assertEquals(Status.RUNNING, state("c1", "").getStatus());
        assertEquals("cannot start a running process", error(() -> tasks.start(StartRequest.newBuilder().setId("c1").build())));
        assertEquals("cannot delete a running process", error(() -> tasks.delete(DeleteRequest.newBuilder().setId("c1").build())));

        exit(pid, 3);
        assertEquals(3, await("c1", "").getExitStatus());
        StateResponse stopped = state("c1", "");
        assertEquals(Status.STOPPED, stopped.getStatus());
        assertEquals(3, stopped.getExitStatus());
        assertEquals("cannot exec in a stopped state", error(() -> tasks.exec(exec("c1", "e1"))));
        assertEquals("cannot pause a stopped container", error(() -> tasks.pause(PauseRequest.newBuilder().setId("c1").build())));
        assertEquals("cannot update a stopped container", error(() -> tasks.update(UpdateTaskRequest.newBuilder().setId("c1")
                .setResources(Any.newBuilder().setValue(ByteString.copyFromUtf8("{}"))).build())));

        tasks.shutdown(ShutdownRequest.newBuilder().setId("c1").build());
        assertEquals(1, lastGone.getCount(), "Shutdown with a container left must not end the daemon");
        DeleteResponse d = tasks.delete(DeleteRequest.newBuilder().setId("c1").build());
        assertEquals(3, d.getExitStatus());
        assertEquals(pid, d.getPid());
        assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"), topics());
        ShimError gone = assertThrows(ShimError.class, () -> state("c1", ""));
        assertEquals(Code.NOT_FOUND, gone.code());
        assertEquals("container not created: not found", gone.getMessage());
        assertEquals(List.of("create", "start", "delete"), rune.subcommands());
        tasks.shutdown(ShutdownRequest.newBuilder().setId("c1").build());
        assertEquals(0, lastGone.getCount(), "Shutdown with no container left ends the daemon");
    }

    @Test
    void wrongStatesOfACreatedInit() throws Exception {
        create("c2");
        assertEquals("cannot pause task in created state", error(() -> tasks.pause(PauseRequest.newBuilder().setId("c2").build())));
        assertEquals("cannot resume task in created state", error(() -> tasks.resume(ResumeRequest.newBuilder().setId("c2").build())));
        assertEquals("cannot checkpoint a task in created state",
                error(() -> tasks.checkpoint(CheckpointTaskRequest.newBuilder().setId("c2").build())));
        // a created container may be deleted: rune delete, no exit
        DeleteResponse d = tasks.delete(DeleteRequest.newBuilder().setId("c2").build());
        assertEquals(0, d.getExitStatus());
        assertEquals(Code.NOT_FOUND, assertThrows(ShimError.class,
                () -> tasks.delete(DeleteRequest.newBuilder().setId("c2").build())).code());
    }

    @Test
    void pauseAndResumeAndAFailedPause() throws Exception {
        int pid = create("c3");
        tasks.start(StartRequest.newBuilder().setId("c3").build());
        tasks.exec(exec("c3", "e1"));
        int execPid = tasks.start(StartRequest.newBuilder().setId("c3").setExecId("e1").build()).getPid();
        tasks.pause(PauseRequest.newBuilder().setId("c3").build());
        assertEquals(Status.PAUSED, state("c3", "").getStatus());
        assertEquals(Status.PAUSED, state("c3", "e1").getStatus(), "an exec of a paused container is paused too");
        assertEquals("cannot exec in a paused state", error(() -> tasks.exec(exec("c3", "e2"))));
        assertEquals("cannot pause a paused container", error(() -> tasks.pause(PauseRequest.newBuilder().setId("c3").build())));
        tasks.resume(ResumeRequest.newBuilder().setId("c3").build());
        assertEquals(Status.RUNNING, state("c3", "").getStatus());
        assertEquals(Status.RUNNING, state("c3", "e1").getStatus());
        assertEquals("cannot resume a running process", error(() -> tasks.resume(ResumeRequest.newBuilder().setId("c3").build())));

        rune.failing.put("pause", "cgroup freezer: device or resource busy");
        String msg = error(() -> tasks.pause(PauseRequest.newBuilder().setId("c3").build()));
        assertTrue(msg.contains("cgroup freezer: device or resource busy"), msg);
        assertEquals(Status.RUNNING, state("c3", "").getStatus(), "a failed pause leaves the task running");

        PidsResponse pids = tasks.pids(PidsRequest.newBuilder().setId("c3").build());
        assertEquals(List.of(pid, execPid), pids.getProcessesList().stream().map(p -> p.getPid()).toList());
        assertFalse(pids.getProcesses(0).hasInfo());
        assertTrue(pids.getProcesses(1).getInfo().getTypeUrl().endsWith("ProcessDetails"));
        assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exec-added", "/tasks/exec-started",
                "/tasks/paused", "/tasks/resumed"), topics());
    }

    @Test
    void anInitsExitIsPublishedAfterItsExecsExits() throws Exception {
        int pid = create("c4");
        tasks.start(StartRequest.newBuilder().setId("c4").build());
        tasks.exec(exec("c4", "e1"));
        assertEquals("id e1: already exists", error(() -> tasks.exec(exec("c4", "e1"))));
        ShimError badExec = assertThrows(ShimError.class, () -> tasks.exec(exec("c4", "../../../tmp/x")));
        assertEquals(io.rune.shim.api.Code.INVALID_ARGUMENT, badExec.code());
        int execPid = tasks.start(StartRequest.newBuilder().setId("c4").setExecId("e1").build()).getPid();
        assertTrue(Files.exists(bundle.resolve("e1.pid")));
        // the init is reaped first; its exit still goes out after the exec's
        exit(pid, 137);
        Thread.sleep(200);
        exit(execPid, 137);
        assertEquals(137, await("c4", "").getExitStatus());
        List<String> t = topics();
        assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exec-added", "/tasks/exec-started",
                "/tasks/exit", "/tasks/exit"), t);
        synchronized (this) {
            assertEquals("e1", ((TaskExit) events.get(4)).getId());
            assertEquals("c4", ((TaskExit) events.get(5)).getId());
        }
        assertEquals("cannot resize a stopped container", error(() -> tasks.resizePty(
                ResizePtyRequest.newBuilder().setId("c4").setExecId("e1").setWidth(80).setHeight(24).build())));
        assertEquals(137, tasks.delete(DeleteRequest.newBuilder().setId("c4").setExecId("e1").build()).getExitStatus());
        assertFalse(Files.exists(bundle.resolve("e1.pid")), "exec delete removes its pid file");
        assertEquals("process does not exist e1: not found", error(() -> state("c4", "e1")));
    }

    @Test
    void anExecThatNeverStartedCannotBeKilledButCanBeDeleted() throws Exception {
        create("c5");
        tasks.start(StartRequest.newBuilder().setId("c5").build());
        tasks.exec(exec("c5", "e1"));
        ShimError e = assertThrows(ShimError.class, () -> tasks.kill(KillRequest.newBuilder().setId("c5").setExecId("e1").setSignal(9).build()));
        assertEquals(Code.FAILED_PRECONDITION, e.code());
        assertEquals(0, tasks.delete(DeleteRequest.newBuilder().setId("c5").setExecId("e1").build()).getPid());
    }

    @Test
    void twoCreatesOfOneIdDoNotUndoEachOther() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        rune.createGate = gate;
        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(() -> {
            try {
                return create("same");
            } catch (RuntimeException ex) {
                throw ex;
            } catch (Exception ex) {
                throw new RuntimeException(ex);
            }
        }, threads);
        // the first Create holds the id while rune create runs
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!Files.exists(bundle.resolve("options.json")) && System.nanoTime() < deadline) Thread.sleep(5);
        Thread.sleep(50);
        // (without the reservation this second Create would reach rune and block at the gate: bounded here)
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(() -> {
            try {
                return create("same");
            } catch (RuntimeException ex) {
                throw ex;
            } catch (Exception ex) {
                throw new RuntimeException(ex);
            }
        }, threads);
        var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> second.get(5, TimeUnit.SECONDS));
        assertEquals("OCI runtime create failed: container with given ID already exists", failure.getCause().getMessage());
        gate.countDown();
        int pid = first.get(10, TimeUnit.SECONDS);
        assertEquals(pid, state("same", "").getPid());
        assertEquals(Status.CREATED, state("same", "").getStatus());
    }

    @Test
    void badInputIsRefusedBeforeAnythingHappens() throws Exception {
        assertEquals("container id must not be empty", error(() -> create("")));
        ShimError traversal = assertThrows(ShimError.class, () -> create("../../tmp/x"));
        assertEquals(io.rune.shim.api.Code.INVALID_ARGUMENT, traversal.code());
        assertTrue(traversal.getMessage().startsWith("identifier \"../../tmp/x\" must match"), traversal.getMessage());
        Files.writeString(bundle.resolve("config.json"), "{ not json");
        ShimError e = assertThrows(ShimError.class, () -> create("c6"));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(rune.calls.isEmpty());
        assertTrue(topics().isEmpty());
        assertEquals("container not created: not found", error(() -> state("c6", "")));
    }

    /** Runs each call on its own thread, all released at once; returns each one's error (null: it succeeded). */
    private List<String> race(List<ThrowingCall> calls) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (ThrowingCall c : calls) {
            results.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    c.run();
                    return null;
                } catch (ShimError e) {
                    return e.getMessage();
                } catch (Exception e) {
                    return "unexpected " + e;
                }
            }, threads));
        }
        go.countDown();
        List<String> out = new ArrayList<>();
        for (var r : results) out.add(r.get(10, TimeUnit.SECONDS));
        return out;
    }

    /**
     * Calls for one container racing each other end as if they had come one after another: one exec
     * id is taken once; a Delete racing Execs of a stopped init leaves no exec behind; an exec's
     * Start racing its Delete either runs it (and the Delete is refused) or never reaches rune.
     */
    @Test
    void racingCallsOfOneContainerAreSerialized() throws Exception {
        int pid = create("r1");
        tasks.start(StartRequest.newBuilder().setId("r1").build());

        List<ThrowingCall> sameExec = new ArrayList<>();
        for (int i = 0; i < 16; i++) sameExec.add(() -> tasks.exec(exec("r1", "e1")));
        List<String> execs = race(sameExec);
        assertEquals(1, execs.stream().filter(java.util.Objects::isNull).count(), "exactly one Exec takes the id: " + execs);
        assertTrue(execs.stream().filter(java.util.Objects::nonNull).allMatch("id e1: already exists"::equals), execs.toString());

        // an exec's Start against its Delete
        List<String> startOrDelete = race(List.of(
                () -> tasks.start(StartRequest.newBuilder().setId("r1").setExecId("e1").build()),
                () -> tasks.delete(DeleteRequest.newBuilder().setId("r1").setExecId("e1").build())));
        long execsRun = rune.subcommands().stream().filter("exec"::equals).count();
        if (startOrDelete.get(0) == null) {
            assertEquals("cannot delete a running process", startOrDelete.get(1), "a started exec is not deleted: " + startOrDelete);
            assertEquals(1, execsRun);
            assertEquals(Status.RUNNING, state("r1", "e1").getStatus());
        } else {
            assertNull(startOrDelete.get(1), "the Delete won: " + startOrDelete);
            assertEquals(0, execsRun, "a deleted exec never reaches rune");
            assertEquals(Code.NOT_FOUND, assertThrows(ShimError.class, () -> state("r1", "e1")).code());
        }

        // the init stops; its Delete races new Execs: none of them may survive the container
        exit(pid, 0);
        if (startOrDelete.get(0) == null) exit(Integer.parseInt(Files.readString(bundle.resolve("e1.pid"))), 0);
        assertEquals(0, await("r1", "").getExitStatus());
        if (startOrDelete.get(0) == null) tasks.delete(DeleteRequest.newBuilder().setId("r1").setExecId("e1").build());
        List<ThrowingCall> deleteAndExecs = new ArrayList<>();
        deleteAndExecs.add(() -> tasks.delete(DeleteRequest.newBuilder().setId("r1").build()));
        for (int i = 0; i < 8; i++) {
            String id = "late" + i;
            deleteAndExecs.add(() -> tasks.exec(exec("r1", id)));
        }
        List<String> late = race(deleteAndExecs);
        assertNull(late.get(0), "the init's Delete succeeds: " + late);
        for (String e : late.subList(1, late.size())) {
            assertTrue("cannot exec in a stopped state".equals(e) || "container not created: not found".equals(e), late.toString());
        }
        assertEquals(Code.NOT_FOUND, assertThrows(ShimError.class, () -> state("r1", "")).code());
        assertEquals(execsRun, rune.subcommands().stream().filter("exec"::equals).count(), "no late exec reached rune");
    }

    /**
     * What the Go client sends a runtime not named io.containerd.runc* (docs/protocol.md §1.3): the
     * user's image paths only inside legacy options, containerd's own temp dir as the request's path.
     */
    @Test
    void imagePathsOfTheOptionsWinOverContainerdsTempDir() throws Exception {
        var createOpts = io.rune.shim.api.runc.legacy.CreateOptions.newBuilder()
                .setCriuImagePath("/user/img").setCriuWorkPath("/user/restore-work").build();
        int pid = tasks.create(CreateTaskRequest.newBuilder().setId("r1").setBundle(bundle.toString())
                .setOptions(Any.newBuilder().setTypeUrl("containerd.linux.runc.CreateOptions").setValue(createOpts.toByteString()))
                .build()).getPid();
        assertEquals(0, pid, "a restore has no process before Start");
        assertEquals(Status.CREATED, state("r1", "").getStatus());
        assertEquals("/user/img", ((io.rune.shim.api.events.TaskCreate) events.get(0)).getCheckpoint());
        int restored = tasks.start(StartRequest.newBuilder().setId("r1").build()).getPid();
        assertEquals(Status.RUNNING, state("r1", "").getStatus());
        assertEquals(restored, state("r1", "").getPid());
        List<String> restore = rune.last("restore");
        assertEquals("/user/img", FakeRune.value(restore, "--image-path"));
        assertEquals("/user/restore-work", FakeRune.value(restore, "--work-path"));

        var ckptOpts = io.rune.shim.api.runc.legacy.CheckpointOptions.newBuilder()
                .setImagePath("/user/ckpt").setWorkPath("/user/work").setExit(true).build();
        tasks.checkpoint(CheckpointTaskRequest.newBuilder().setId("r1").setPath("/tmp/ctd-checkpoint123")
                .setOptions(Any.newBuilder().setTypeUrl("containerd.linux.runc.CheckpointOptions").setValue(ckptOpts.toByteString()))
                .build());
        List<String> ckpt = rune.last("checkpoint");
        assertEquals("/user/ckpt", FakeRune.value(ckpt, "--image-path"));
        assertEquals("/user/work", FakeRune.value(ckpt, "--work-path"));
        assertFalse(ckpt.contains("--leave-running"), "exit: the task stops after the dump");
        // without options (ctr's case for this runtime name) containerd's temp dir is the image path
        tasks.checkpoint(CheckpointTaskRequest.newBuilder().setId("r1").setPath("/tmp/ctd-checkpoint456").build());
        assertEquals("/tmp/ctd-checkpoint456", FakeRune.value(rune.last("checkpoint"), "--image-path"));
        assertTrue(rune.last("checkpoint").contains("--leave-running"));
    }

    private static ExecProcessRequest exec(String id, String execId) {
        return ExecProcessRequest.newBuilder().setId(id).setExecId(execId)
                .setSpec(Any.newBuilder().setValue(ByteString.copyFromUtf8("{\"args\":[\"sh\"],\"cwd\":\"/\"}"))).build();
    }
}
