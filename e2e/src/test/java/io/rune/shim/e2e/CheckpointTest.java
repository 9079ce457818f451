package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rune.shim.testsupport.Cmd;
import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Checkpoint and restore through CRIU, each scenario under runc.v2 and the runtime under test with the
 * same criu (the one first on containerd's PATH: {@code -De2e.criu}, see scripts/criu-fetch.sh). The
 * container runs a {@link Counter}, so a restored process shows that it goes on (same token, counting on)
 * rather than starting again. ctr covers the content-store checkpoint; the Tasks API (gRPC, options as
 * the Go client builds them) covers what ctr does not send to a runtime not named io.containerd.runc*:
 * exit, image and work paths, and the restores. Where criu cannot dump on this kernel (Debian 12's 3.17),
 * only the first test runs: the dump fails alike and the container keeps running.
 */
class CheckpointTest extends E2eTestBase {
    private static final Map<Path, Boolean> CRIU_CHECKED = new ConcurrentHashMap<>();
    private static final Path SCRIPT = Path.of("/usr/bin/script");

    CheckpointTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** Whether {@code criu check} passes with the criu that runc and rune find (checked once per run). */
    private boolean criuWorks() {
        Path criu = ctd.criu();
        if (criu == null) return false;
        return CRIU_CHECKED.computeIfAbsent(criu, c -> {
            CmdResult r = Cmd.run(Duration.ofSeconds(60), List.of(c.toString(), "check"));
            System.err.println("[e2e] " + c + " check: " + (r.ok() ? "passes" : "fails: " + r));
            return r.ok();
        });
    }

    private Outcome.Norm norm(String... ids) {
        Outcome.Norm n = new Outcome.Norm(ctd).put("rune did not", "runc did not");
        for (int i = 0; i < ids.length; i++) n.put(ids[i], i == 0 ? "<id>" : "<id" + i + ">");
        return n;
    }

    /** ctr's output with the checkpoint image's date made comparable. */
    private static Outcome dated(Outcome o) {
        String date = ":\\d\\d-\\d\\d-\\d{4}-\\d\\d:\\d\\d:\\d\\d";
        return new Outcome(o.exit(), o.stdout().replaceAll(date, ":<date>"), o.stderr().replaceAll(date, ":<date>"));
    }

    /** A Tasks API result without the pid's value: "ok pid 0" (a restore's Create), "ok pid", or the error. */
    private static String call(TasksApi.Call c, Outcome.Norm n) {
        return c.ok() ? (c.value() == 0 ? "ok pid 0" : "ok pid") : "failed " + n.apply(c.error());
    }

    /** The task events of a container, normalized; containerd's own checkpoint temp dirs become {@code <tmp>}. */
    private List<String> eventsOf(String id, Outcome.Norm n) {
        Poll.sleep(Duration.ofMillis(300));
        return EventNormalizer.normalize(events.forContainer(id), id).stream()
                .map(e -> n.apply(e).replaceAll("/[^ ,}]*ctrd-checkpoint\\d+", "<tmp>")).toList();
    }

    private boolean startCounter(ShimRuntime rt, String id) {
        CmdResult run = ctr.run(rt, List.of("-d"), id, Counter.command(id));
        return run.ok() && ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(15)).equals("RUNNING");
    }

    /**
     * A new container for a restore: same rootfs, same runtime. Its command never runs (the restore brings
     * back the dumped process), so it is a plain one: ctr container create would take a "-c" for its own
     * --config flag (it reorders flags found among the arguments).
     */
    private boolean createContainer(ShimRuntime rt, String id) {
        CmdResult r = ctr.exec(Ctr.DEFAULT_TIMEOUT, List.of("container", "create", "--runtime", rt.name(), "--rootfs",
                ctr.rootfs().toString(), id, "/bin/sh"));
        if (!r.ok()) System.err.println("[e2e] " + rt + ": container create " + id + ": " + r);
        return r.ok();
    }

    /** Task gone (kill, wait, task rm) but the container record kept: what a restore into it would need. */
    private void removeTask(String id) {
        if (!ctr.taskStatus(id).equals("STOPPED")) {
            ctr.kill(id, "SIGKILL");
            ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(15));
        }
        ctr.exec("task", "rm", id);
    }

    /** Whether a restored counter went on: same token as before the dump, counting on from there. */
    private static boolean resumed(Counter.Reading beforeDump, Counter.Reading afterRestore) {
        return beforeDump != null && afterRestore != null && afterRestore.token().equals(beforeDump.token())
                && afterRestore.count() > beforeDump.count();
    }

    /**
     * containerd 1.6/1.7 unpack a content-store checkpoint into a temp dir of theirs for the restore and
     * never remove it ({@code os.MkdirTemp($XDG_RUNTIME_DIR, "ctrd-checkpoint")}, services/tasks); the
     * /tasks/create event names it. Removed here, once checked to be exactly such a dir under /tmp.
     */
    private void removeContainerdRestoreDir(String id) {
        for (Event e : events.forContainer(id)) {
            if (!e.topic().equals("/tasks/create")) continue;
            Path dir = Path.of(e.data().path("checkpoint").asText("/")).normalize();
            if (dir.getParent() != null && dir.getParent().equals(Path.of("/tmp"))
                    && dir.getFileName().toString().matches("ctrd-checkpoint\\d+") && Files.isDirectory(dir)) {
                Cmd.run(Duration.ofSeconds(30), List.of("rm", "-rf", "--", dir.toString()));
            }
        }
    }

    /** After a failed dump: CRIU's error lines from the bundle's criu-dump.log, for the test's output. */
    private void printCriuErrors(ShimRuntime rt, String id) {
        Path log = ctd.bundleDir(id).resolve("criu-dump.log");
        try {
            if (Files.exists(log)) {
                Files.readAllLines(log).stream().filter(l -> l.contains("Error")).limit(10)
                        .forEach(l -> System.err.println("[e2e] " + rt + " " + id + " criu: " + l));
            }
        } catch (IOException e) {
            System.err.println("[e2e] " + log + ": " + e);
        }
    }

    private static <T> void compare(Sides<T> s, BiConsumer<String, T> absolute, List<Executable> checks) {
        checks.add(() -> absolute.accept("reference", s.ref()));
        checks.add(() -> absolute.accept("under test", s.ut()));
        checks.add(() -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
    }

    // ------------------------------------------------------------------ where criu cannot dump

    /**
     * @param checkpoint    ctr task checkpoint (default image)
     * @param withImagePath ctr task checkpoint --image-path <dir>
     * @param dumpLog       whether {@code <bundle>/criu-dump.log} exists afterwards
     */
    record Failing(boolean started, Outcome checkpoint, Outcome withImagePath, boolean dumpLog, String statusAfter,
                   Outcome execAfter, boolean clean) {}

    private Failing failingScenario(ShimRuntime rt) {
        String id = containers.newId(rt, "ckpt");
        if (!startSleeper(rt, id)) {
            return new Failing(false, null, null, false, null, null, teardown(rt, id).clean());
        }
        Outcome.Norm n = norm(id);
        CmdResult c1 = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", id));
        CmdResult c2 = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", "--image-path",
                ctd.base().resolve("ckpt").resolve(id).toString(), id));
        boolean dumpLog = Files.exists(ctd.bundleDir(id).resolve("criu-dump.log"));
        String st = ctr.taskStatus(id);
        CmdResult exec = ctr.taskExec(id, id + "-after", "/bin/echo", "alive");
        return new Failing(true, Outcome.of(c1, n), Outcome.of(c2, n), dumpLog, st, Outcome.of(exec, n), teardown(rt, id).clean());
    }

    @Test
    void whereCriuCannotDumpCheckpointFailsLikeRuncAndTheContainerKeepsRunning() {
        assumeFalse(criuWorks(), "criu works here: the scenarios below dump and restore for real");
        Sides<Failing> s = Sides.run(ref, ut, this::failingScenario);
        List<Executable> checks = new ArrayList<>();
        compare(s, (who, c) -> {
            assertTrue(c.started(), who + ": ctr run -d failed");
            assertFalse(c.checkpoint().ok(), who + ": checkpoint should fail here: " + c.checkpoint());
            assertTrue(c.checkpoint().stderr().startsWith("ctr: ") && c.checkpoint().stderr().length() > 10,
                    who + ": checkpoint error message: " + c.checkpoint());
            assertTrue(c.dumpLog(), who + ": criu-dump.log copied into the bundle");
            assertEquals("RUNNING", c.statusAfter(), who + ": status after checkpoint");
            assertEquals(new Outcome(0, "alive\n", ""), c.execAfter(), who + ": exec after checkpoint");
            assertTrue(c.clean(), who + ": leftovers");
        }, checks);
        assertAll(checks);
    }

    // ------------------------------------------------------------------ content store, restore elsewhere

    /**
     * ctr task checkpoint (leave running), the counter goes on; then the task is killed and the
     * checkpoint restored into a new container (Tasks.Create with the checkpoint's descriptor, Start).
     */
    record ContentStore(boolean started, Outcome checkpoint, String statusAfter, boolean keptCounting,
                        String create, String start, String statusRestored, boolean resumed, List<String> events,
                        boolean clean) {}

    private ContentStore contentStore(ShimRuntime rt) {
        String id = containers.newId(rt, "ckcs");
        String nid = containers.newId(rt, "ckcs-new");
        Counter counter = Counter.of(ctd, id);
        if (!startCounter(rt, id) || counter.awaitCount(3) == null) {
            return new ContentStore(false, null, null, false, null, null, null, false, List.of(), teardown(rt, id).clean());
        }
        Outcome.Norm n = norm(nid, id);
        Counter.Reading beforeDump = counter.current();
        CmdResult ck = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", id));
        if (!ck.ok()) printCriuErrors(rt, id);
        String image = ck.stdout().strip();
        String status = ctr.taskStatus(id);
        Counter.Reading after = counter.current();
        boolean keptCounting = resumed(after, counter.awaitChange(after));
        removeTask(id);
        Poll.sleep(Duration.ofMillis(300));
        String create = "no container";
        String start = "";
        String restoredStatus = "";
        boolean resumed = false;
        if (ck.exitCode() == 0 && createContainer(rt, nid)) {
            Counter.Reading dead = counter.read();
            try (TasksApi api = new TasksApi(ctd.address(), ctd.namespace())) {
                create = call(api.create(nid, CheckpointImages.criuTar(ctr, image), null), n);
                start = call(api.start(nid), n);
            }
            restoredStatus = ctr.taskStatus(nid);
            resumed = resumed(beforeDump, counter.awaitChange(dead));
        }
        List<String> evs = eventsOf(nid, n);
        removeContainerdRestoreDir(nid);
        System.err.println("[e2e] " + rt + " content store: " + ck + "; restore " + create + ", " + start);
        CheckpointImages.remove(ctr, image);
        boolean clean = teardown(rt, nid).clean() & teardown(rt, id).clean();
        return new ContentStore(true, dated(Outcome.of(ck, n)), status, keptCounting, create, start, restoredStatus,
                resumed, evs, clean);
    }

    @Test
    void checkpointToTheContentStoreAndRestoreIntoANewContainer() {
        assumeTrue(criuWorks(), "no criu that passes criu check on containerd's PATH (see scripts/criu-fetch.sh)");
        Sides<ContentStore> s = Sides.run(ref, ut, this::contentStore);
        List<Executable> checks = new ArrayList<>();
        compare(s, (who, c) -> {
            assertTrue(c.started(), who + ": the counter did not start");
            assertTrue(c.checkpoint().ok() && c.checkpoint().stdout().startsWith("containerd.io/checkpoint/<id1>:"),
                    who + ": ctr task checkpoint: " + c.checkpoint());
            assertEquals("RUNNING", c.statusAfter(), who + ": status after a checkpoint that leaves it running");
            assertTrue(c.keptCounting(), who + ": the counter goes on after the dump");
            assertEquals("ok pid 0", c.create(), who + ": Create from the checkpoint");
            assertEquals("ok pid", c.start(), who + ": Start restores");
            assertEquals("RUNNING", c.statusRestored(), who + ": restored task");
            assertTrue(c.resumed(), who + ": the restored counter goes on (same token, higher count)");
            assertTrue(c.clean(), who + ": leftovers");
        }, checks);
        assertAll(checks);
    }

    // ------------------------------------------------------------------ --exit, image and work paths

    /**
     * Tasks.Checkpoint with exit, image path and work path (WithCheckpointImagePath's options for the
     * runtime name), then a restore from that image path into a new container (WithRestoreImagePath).
     */
    record ImagePath(boolean started, String checkpoint, String statusAfter, List<String> exitEvents,
                     boolean imagesInDir, boolean dumpLogInWork, String create, String start, String statusRestored,
                     boolean resumed, boolean restoreLogInWork, List<String> events, boolean clean) {}

    private ImagePath imagePath(ShimRuntime rt) {
        String id = containers.newId(rt, "ckip");
        String nid = containers.newId(rt, "ckip-new");
        Counter counter = Counter.of(ctd, id);
        Path dir = ctd.base().resolve("ckpt").resolve(id);
        Path images = dir.resolve("images");
        Path work = dir.resolve("work");
        Path restoreWork = dir.resolve("restore-work");
        if (!startCounter(rt, id) || counter.awaitCount(3) == null) {
            return new ImagePath(false, null, null, List.of(), false, false, null, null, null, false, false, List.of(),
                    teardown(rt, id).clean());
        }
        Outcome.Norm n = norm(nid, id);
        String ck;
        try (TasksApi api = new TasksApi(ctd.address(), ctd.namespace())) {
            TasksApi.Call c = api.checkpoint(id, GoClientOptions.checkpoint(rt, true, images.toString(), work.toString()));
            // containerd archives its own (then empty) temp dir for a non-runc name: descriptors differ
            System.err.println("[e2e] " + rt + " checkpoint --exit with image/work path: " + c);
            ck = c.ok() ? "ok" : "failed " + n.apply(c.error());
            if (!c.ok()) printCriuErrors(rt, id);
        }
        Counter.Reading beforeDump = counter.current();
        String status = ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(15));
        events.awaitTopic(id, "/tasks/exit", Duration.ofSeconds(5));
        List<String> exitEvents = eventsOf(id, n).stream().filter(e -> e.startsWith("/tasks/exit")).toList();
        boolean imagesInDir = Files.exists(images.resolve("inventory.img"));
        boolean dumpLog = Files.exists(work.resolve("dump.log"));
        removeTask(id);
        String create = "no container";
        String start = "";
        String restoredStatus = "";
        boolean resumed = false;
        if (imagesInDir && createContainer(rt, nid)) {
            Counter.Reading dead = counter.read();
            try (TasksApi api = new TasksApi(ctd.address(), ctd.namespace())) {
                create = call(api.create(nid, null, GoClientOptions.restore(rt, images.toString(), restoreWork.toString())), n);
                start = call(api.start(nid), n);
            }
            restoredStatus = ctr.taskStatus(nid);
            resumed = resumed(beforeDump, counter.awaitChange(dead));
        }
        boolean restoreLog = Files.exists(restoreWork.resolve("restore.log"));
        List<String> evs = eventsOf(nid, n);
        boolean clean = teardown(rt, nid).clean() & teardown(rt, id).clean();
        return new ImagePath(true, ck, status, exitEvents, imagesInDir, dumpLog, create, start, restoredStatus, resumed,
                restoreLog, evs, clean);
    }

    @Test
    void checkpointWithExitIntoAnImagePathAndRestoreFromIt() {
        assumeTrue(criuWorks(), "no criu that passes criu check on containerd's PATH (see scripts/criu-fetch.sh)");
        Sides<ImagePath> s = Sides.run(ref, ut, this::imagePath);
        List<Executable> checks = new ArrayList<>();
        compare(s, (who, c) -> {
            assertTrue(c.started(), who + ": the counter did not start");
            assertEquals("ok", c.checkpoint(), who + ": Tasks.Checkpoint");
            assertEquals("STOPPED", c.statusAfter(), who + ": exit: the task stops after the dump");
            assertTrue(c.imagesInDir(), who + ": CRIU images in the image path");
            assertTrue(c.dumpLogInWork(), who + ": dump.log kept in the work path");
            assertEquals("ok pid 0", c.create(), who + ": Create with criu_image_path");
            assertEquals("ok pid", c.start(), who + ": Start restores");
            assertEquals("RUNNING", c.statusRestored(), who + ": restored task");
            assertTrue(c.resumed(), who + ": the restored counter goes on (same token, higher count)");
            assertTrue(c.restoreLogInWork(), who + ": restore.log in the restore work path");
            assertTrue(c.clean(), who + ": leftovers");
        }, checks);
        assertAll(checks);
    }

    // ------------------------------------------------------------------ ctr --image-path: a known difference

    /**
     * ctr task checkpoint --image-path/--work-path: where the images land, and whether a checkpoint
     * image was recorded. ctr builds these options only for the runc runtime names (docs/protocol.md §1.3).
     */
    record CtrImagePath(boolean started, Outcome checkpoint, boolean imagesInDir, boolean workKept, boolean recordedImage,
                        boolean clean) {}

    private CtrImagePath ctrImagePath(ShimRuntime rt) {
        String id = containers.newId(rt, "ckctr");
        Path dir = ctd.base().resolve("ckpt").resolve(id);
        if (!startSleeper(rt, id)) {
            return new CtrImagePath(false, null, false, false, false, teardown(rt, id).clean());
        }
        CmdResult ck = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", "--image-path",
                dir.resolve("images").toString(), "--work-path", dir.resolve("work").toString(), id));
        List<String> recorded = ctr.listQuiet("images").stream().filter(i -> i.startsWith("containerd.io/checkpoint/" + id + ":")).toList();
        recorded.forEach(i -> CheckpointImages.remove(ctr, i));
        return new CtrImagePath(true, dated(Outcome.of(ck, norm(id))), Files.exists(dir.resolve("images/inventory.img")),
                Files.exists(dir.resolve("work/dump.log")), !recorded.isEmpty(), teardown(rt, id).clean());
    }

    /**
     * Not the shim's to fix: for any runtime name but io.containerd.runc.v1/v2 ctr sends no checkpoint
     * options, so the shim never learns the image path; containerd dumps into its temp dir and the client
     * records a checkpoint image instead. The Go client's WithCheckpointImagePath does reach this shim
     * (the test above). Should ctr change, this test says so.
     */
    @Test
    void ctrSendsImageAndWorkPathsOnlyToRuncNames() {
        assumeTrue(criuWorks(), "no criu that passes criu check on containerd's PATH (see scripts/criu-fetch.sh)");
        Sides<CtrImagePath> s = Sides.run(ref, ut, this::ctrImagePath);
        assertAll(
                () -> assertEquals(new CtrImagePath(true, new Outcome(0, "", ""), true, true, false, true), s.ref(), "reference"),
                () -> assertEquals(new CtrImagePath(true, new Outcome(0, "", ""), false, false, true, true), s.ut(),
                        "under test: ctr drops --image-path/--work-path for this runtime name"));
    }

    // ------------------------------------------------------------------ paused task

    /** ctr task checkpoint of a paused task: it stays paused (frozen counter), and counts on once resumed. */
    record Paused(boolean started, Outcome pause, Outcome checkpoint, String statusAfter, boolean stayedFrozen,
                  Outcome resume, boolean countsOn, boolean clean) {}

    private Paused paused(ShimRuntime rt) {
        String id = containers.newId(rt, "ckps");
        Counter counter = Counter.of(ctd, id);
        if (!startCounter(rt, id) || counter.awaitCount(3) == null) {
            return new Paused(false, null, null, null, false, null, false, teardown(rt, id).clean());
        }
        Outcome.Norm n = norm(id);
        Outcome pause = Outcome.of(ctr.exec("task", "pause", id), n);
        Counter.Reading frozen = counter.read();
        CmdResult ck = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", id));
        if (!ck.ok()) printCriuErrors(rt, id);
        String status = ctr.taskStatus(id);
        Poll.sleep(Duration.ofMillis(400));
        boolean stayedFrozen = frozen != null && frozen.equals(counter.read());
        Outcome resume = Outcome.of(ctr.exec("task", "resume", id), n);
        boolean countsOn = resumed(frozen, counter.awaitChange(frozen));
        CheckpointImages.remove(ctr, ck.stdout().strip());
        return new Paused(true, pause, dated(Outcome.of(ck, n)), status, stayedFrozen, resume, countsOn, teardown(rt, id).clean());
    }

    @Test
    void checkpointOfAPausedTask() {
        assumeTrue(criuWorks(), "no criu that passes criu check on containerd's PATH (see scripts/criu-fetch.sh)");
        Sides<Paused> s = Sides.run(ref, ut, this::paused);
        List<Executable> checks = new ArrayList<>();
        compare(s, (who, c) -> {
            assertTrue(c.started(), who + ": the counter did not start");
            assertTrue(c.pause().ok(), who + ": pause " + c.pause());
            assertTrue(c.checkpoint().ok(), who + ": checkpoint " + c.checkpoint());
            assertEquals("PAUSED", c.statusAfter(), who + ": a paused task stays paused");
            assertTrue(c.stayedFrozen(), who + ": the counter stays frozen");
            assertTrue(c.resume().ok(), who + ": resume " + c.resume());
            assertTrue(c.countsOn(), who + ": the counter goes on after resume");
            assertTrue(c.clean(), who + ": leftovers");
        }, checks);
        assertAll(checks);
    }

    // ------------------------------------------------------------------ terminal

    /** ctr task checkpoint of a task with a terminal (ctr run -d -t, under script for a pty). */
    record Terminal(boolean started, Outcome checkpoint, String statusAfter, boolean countsOn, boolean clean) {}

    private Terminal terminal(ShimRuntime rt) {
        String id = containers.newId(rt, "cktty");
        Counter counter = Counter.of(ctd, id);
        Path driver = ctd.base().resolve("tty-" + id + ".sh");
        StringBuilder cmd = new StringBuilder();
        for (String a : ctr.argv(ctr.runArgs(rt, List.of("-d", "-t"), id, Counter.command(id)))) {
            cmd.append('\'').append(a.replace("'", "'\\''")).append("' ");
        }
        try {
            Files.writeString(driver, cmd + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CmdResult run = Cmd.run(Duration.ofSeconds(60), List.of(SCRIPT.toString(), "-qfec", "/bin/sh " + driver, "/dev/null"));
        if (!run.ok() || !ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(15)).equals("RUNNING") || counter.awaitCount(3) == null) {
            System.err.println("[e2e] " + rt + ": cannot start " + id + " with a terminal: " + run);
            return new Terminal(false, null, null, false, teardown(rt, id).clean());
        }
        Outcome.Norm n = norm(id);
        CmdResult ck = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", id));
        String status = ctr.taskStatus(id);
        Counter.Reading after = counter.current();
        Counter.Reading next = counter.awaitChange(after);
        boolean countsOn = resumed(after, next);
        if (!countsOn) System.err.println("[e2e] " + rt + " " + id + ": counter after the checkpoint " + after + ", then " + next);
        CheckpointImages.remove(ctr, ck.stdout().strip());
        System.err.println("[e2e] " + rt + " checkpoint with a terminal: " + ck);
        if (!ck.ok()) printCriuErrors(rt, id);
        return new Terminal(true, dated(Outcome.of(ck, n)), status, countsOn, teardown(rt, id).clean());
    }

    @Test
    void checkpointOfATaskWithATerminal() {
        assumeTrue(criuWorks(), "no criu that passes criu check on containerd's PATH (see scripts/criu-fetch.sh)");
        assumeTrue(Files.isExecutable(SCRIPT), SCRIPT + " missing (util-linux / bsdutils)");
        Sides<Terminal> s = Sides.run(ref, ut, this::terminal);
        List<Executable> checks = new ArrayList<>();
        compare(s, (who, c) -> {
            assertTrue(c.started(), who + ": the counter did not start with a terminal");
            assertEquals("RUNNING", c.statusAfter(), who + ": the task runs on after the checkpoint");
            assertTrue(c.countsOn(), who + ": the counter goes on after the checkpoint");
            assertTrue(c.clean(), who + ": leftovers");
        }, checks);
        assertAll(checks);
    }

    // ------------------------------------------------------------------ a dump CRIU refuses

    /**
     * A process holding a deleted 2 MiB file: CRIU refuses to dump a ghost file over its 1 MiB limit. The
     * error names the copied dump log; the task runs on and still takes execs.
     */
    record Refused(boolean started, Outcome checkpoint, boolean dumpLog, String statusAfter, Outcome execAfter,
                   boolean clean) {}

    private Refused refused(ShimRuntime rt) {
        String id = containers.newId(rt, "ckno");
        String ghost = "/ghost-" + id;
        CmdResult run = ctr.run(rt, List.of("-d"), id, "/bin/sh", "-c", "dd if=/dev/zero of=" + ghost
                + " bs=1M count=2 2>/dev/null; exec 3<" + ghost + "; rm " + ghost + "; echo held > /held-" + id
                + "; trap 'exit 143' TERM; /bin/sleep 1000 & wait");
        Path held = ctr.rootfs().resolve("held-" + id);
        if (!run.ok() || !Poll.until(Duration.ofSeconds(10), () -> Files.exists(held), b -> b)) {
            return new Refused(false, null, false, null, null, teardown(rt, id).clean());
        }
        Outcome.Norm n = norm(id);
        CmdResult ck = ctr.exec(Duration.ofSeconds(120), List.of("task", "checkpoint", id));
        boolean dumpLog = Files.exists(ctd.bundleDir(id).resolve("criu-dump.log"));
        String status = ctr.taskStatus(id);
        CmdResult exec = ctr.taskExec(id, id + "-after", "/bin/echo", "alive");
        System.err.println("[e2e] " + rt + " refused checkpoint: " + ck);
        printCriuErrors(rt, id);
        return new Refused(true, Outcome.of(ck, n), dumpLog, status, Outcome.of(exec, n), teardown(rt, id).clean());
    }

    @Test
    void aCheckpointCriuRefusesFailsClearlyAndTheTaskRunsOn() {
        assumeTrue(criuWorks(), "no criu that passes criu check on containerd's PATH (see scripts/criu-fetch.sh)");
        Sides<Refused> s = Sides.run(ref, ut, this::refused);
        List<Executable> checks = new ArrayList<>();
        compare(s, (who, c) -> {
            assertTrue(c.started(), who + ": the ghost-file holder did not start");
            assertFalse(c.checkpoint().ok(), who + ": CRIU should refuse: " + c.checkpoint());
            assertTrue(c.checkpoint().stderr().contains("criu-dump.log"), who + ": the error names the dump log: " + c.checkpoint());
            assertTrue(c.dumpLog(), who + ": criu-dump.log copied into the bundle");
            assertEquals("RUNNING", c.statusAfter(), who + ": status after the refused checkpoint");
            assertEquals(new Outcome(0, "alive\n", ""), c.execAfter(), who + ": exec after the refused checkpoint");
            assertTrue(c.clean(), who + ": leftovers");
        }, checks);
        assertAll(checks);
    }
}
