package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.api.task.CloseIORequest;
import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import io.rune.shim.testsupport.ShimEndpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Container stdio other than the plain FIFO case: stdin piped through {@code ctr run} / {@code ctr task
 * exec} (and closed with CloseIO), {@code --log-uri file://}, {@code --log-uri binary://}.
 */
class StdioTest extends E2eTestBase {

    StdioTest(PrivateContainerd ctd) {
        super(ctd);
    }

    private List<Executable> bothSides(Sides<?> s, java.util.function.BiFunction<String, Object, List<Executable>> f) {
        List<Executable> checks = new ArrayList<>();
        checks.addAll(f.apply("reference", s.ref()));
        checks.addAll(f.apply("under test", s.ut()));
        checks.add(() -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
        return checks;
    }

    /** Calls CloseIO{stdin} on the container's shim, as containerd's CloseIO would; "code=N msg=..." or the failure. */
    private String closeStdin(String id, String execId) {
        try {
            ShimEndpoint shim = ShimEndpoint.of(ctd.bundleDir(id));
            try (TtrpcRawClient c = new TtrpcRawClient(shim.socket())) {
                CloseIORequest.Builder b = CloseIORequest.newBuilder().setId(id).setStdin(true);
                if (execId != null) {
                    b.setExecId(execId);
                }
                TtrpcRawClient.Reply r = c.call(shim.taskService(), "CloseIO", b.build(), Duration.ofSeconds(10));
                return r == null ? "no reply" : "code=" + r.code() + " msg=" + r.message();
            }
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    /**
     * @param echoed          the piped data came back on ctr's stdout
     * @param aliveAfterEof   (stdinRun) cat saw EOF: by itself, or after a CloseIO; (exec) still running 2 s after EOF
     * @param closeIo         the CloseIO reply
     * @param result          ctr's exit code and output after CloseIO
     */
    record Stdin(boolean echoed, boolean aliveAfterEof, String closeIo, Outcome result, List<String> events, boolean clean) {}

    private Stdin stdinRun(ShimRuntime rt) {
        String id = containers.newId(rt, "stdin");
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>");
        try (LiveProcess p = LiveProcess.startWithInput(ctr.argv(ctr.runArgs(rt, List.of("--rm"), id, "/bin/cat")), "data\n")) {
            boolean echoed = p.awaitStdoutContains("data\n", Duration.ofSeconds(30));
            Poll.sleep(Duration.ofSeconds(2));
            boolean alive = p.alive() && ctr.taskStatus(id).equals("RUNNING");
            String closeIo = alive ? closeStdin(id, null) : "not sent";
            CmdResult r = p.await(Duration.ofSeconds(20));
            events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(10));
            System.err.println("[e2e] " + rt + ": " + r + " (CloseIO " + closeIo + ")");
            // runc.v2 races here: its own writer on the stdin FIFO may open before or after ctr's EOF, so
            // cat either already ended or ends after CloseIO; both are compared as "EOF reached cat"
            boolean eofReached = !alive || closeIo.equals("code=0 msg=");
            return new Stdin(echoed, eofReached, eofReached ? "eof reached" : closeIo, Outcome.of(r, n),
                    comparableEvents(rt, id).stream().map(n::apply).toList(), teardown(rt, id).clean());
        }
    }

    /**
     * {@code echo data | ctr run --rm ... cat}: the data reaches cat. Like runc.v2 the shim keeps its own
     * writer on the stdin FIFO, so ctr 1.6 (which never sends CloseIO) leaves cat running after EOF; a
     * CloseIO(stdin) then lets cat see EOF and the container exit 0.
     */
    @Test
    void stdinPipedThroughRun() {
        Sides<Stdin> s = Sides.run(ref, ut, this::stdinRun);
        assertAll(bothSides(s, (who, o) -> {
            Stdin v = (Stdin) o;
            return List.of(
                    () -> assertTrue(v.echoed(), who + ": data echoed by cat"),
                    () -> assertTrue(v.aliveAfterEof(), who + ": EOF reached cat (at ctr's EOF or after CloseIO)"),
                    () -> assertEquals(new Outcome(0, "data\n", ""), v.result(), who + ": ctr run --rm exit and output"),
                    () -> assertTrue(v.clean(), who + ": leftovers"));
        }));
    }

    private Stdin stdinExec(ShimRuntime rt) {
        String id = containers.newId(rt, "stdinexec");
        if (!startSleeper(rt, id)) {
            return new Stdin(false, false, "setup failed", null, List.of(), teardown(rt, id).clean());
        }
        String eid = id + "-in";
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>");
        try (LiveProcess p = LiveProcess.startWithInput(ctr.argv(ctr.execArgs(List.of(), id, eid, "/bin/cat")), "data\n")) {
            boolean echoed = p.awaitStdoutContains("data\n", Duration.ofSeconds(30));
            Poll.sleep(Duration.ofSeconds(2));
            boolean alive = p.alive();
            String closeIo = alive ? closeStdin(id, eid) : "not sent";
            CmdResult r = p.await(Duration.ofSeconds(20));
            events.awaitExit(id, eid, Duration.ofSeconds(10));
            System.err.println("[e2e] " + rt + ": " + r + " (CloseIO " + closeIo + ")");
            List<String> evs = comparableEvents(rt, id).stream().map(n::apply).toList();
            return new Stdin(echoed, alive, closeIo, Outcome.of(r, n), evs, teardown(rt, id).clean());
        }
    }

    /**
     * {@code echo data | ctr task exec ... cat}: unlike the init's stdin, runc.v2 keeps no writer of its own
     * on an exec's stdin FIFO, so cat sees EOF as soon as ctr's stdin ends and the exec exits 0.
     */
    @Test
    void stdinPipedThroughExec() {
        Sides<Stdin> s = Sides.run(ref, ut, this::stdinExec);
        assertAll(bothSides(s, (who, o) -> {
            Stdin v = (Stdin) o;
            return List.of(
                    () -> assertTrue(v.echoed(), who + ": data echoed by cat"),
                    () -> assertEquals(new Outcome(0, "data\n", ""), v.result(), who + ": ctr task exec ends with stdin"),
                    () -> assertTrue(v.clean(), who + ": leftovers"));
        }));
    }

    record FileLog(Outcome ctrRun, List<String> fileLines, String dirMode, String fileMode, List<String> events, boolean clean) {}

    private FileLog fileLog(ShimRuntime rt) {
        String id = containers.newId(rt, "filelog");
        Path file = ctd.base().resolve("logs").resolve(id).resolve("sub/log.txt");
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>");
        // the pause before the exit matters: runc.v2 closes the file when the stdout copy ends (it hands the plain
        // file, not its shared-close wrapper, to the stdout copier), so stderr still in flight at the exit is lost
        CmdResult r = ctr.run(rt, List.of("--rm", "--log-uri", "file://" + file), id, "/bin/sh", "-c",
                "echo out; echo err >&2; sleep 0.3; exit 2");
        events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(10));
        // the copy into the file may trail the delete event a little
        Poll.until(Duration.ofSeconds(5), () -> lineCount(file), c -> c >= 2);
        List<String> lines = List.of();
        String dirMode = "absent";
        String fileMode = "absent";
        try {
            if (Files.exists(file)) {
                lines = Files.readAllLines(file).stream().sorted().toList();
                fileMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
            }
            if (Files.isDirectory(file.getParent())) {
                dirMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.err.println("[e2e] " + rt + ": " + r + "\n  file " + lines + " " + dirMode + " " + fileMode);
        return new FileLog(Outcome.of(r, n), lines, dirMode, fileMode,
                comparableEvents(rt, id).stream().map(n::apply).toList(), teardown(rt, id).clean());
    }

    private static long lineCount(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** {@code --log-uri file://...}: stdout and stderr both end up in the one file (parent dirs created). */
    @Test
    void logUriFile() {
        Sides<FileLog> s = Sides.run(ref, ut, this::fileLog);
        assertAll(bothSides(s, (who, o) -> {
            FileLog v = (FileLog) o;
            return List.of(
                    () -> assertEquals(2, v.ctrRun().exit(), who + ": ctr run exit code " + v.ctrRun()),
                    () -> assertEquals("", v.ctrRun().stdout(), who + ": nothing on ctr's stdout"),
                    () -> assertEquals(List.of("err", "out"), v.fileLines(), who + ": log file content (sorted)"),
                    () -> assertEquals("rw-r--r--", v.fileMode(), who + ": log file mode"),
                    () -> assertTrue(v.clean(), who + ": leftovers"));
        }));
    }

    private static final String LOGGER = String.join("\n",
            "#!/bin/sh",
            "# test logger for --log-uri binary://: records its argv, env and fds, copies fds 3/4, signals ready on fd 5",
            "d=; prev=",
            "for a in \"$@\"; do [ \"$prev\" = dir ] && d=$a; prev=$a; done",
            "mkdir -p \"$d\"",
            "printf '%s\\n' \"$@\" > \"$d/args\"",
            "env | sort > \"$d/env\"",
            "pwd > \"$d/cwd\"",
            "for f in 0 2 3 4 5; do echo \"$f $(readlink /proc/$$/fd/$f)\"; done > \"$d/fds\"",
            "trap 'echo TERM >> \"$d/signals\"; exit 0' TERM",
            "cat <&3 > \"$d/stdout\" 5>&- &",
            "c1=$!",
            "cat <&4 > \"$d/stderr\" 5>&- &",
            "c2=$!",
            "echo \"$c1 $c2 $$\" > \"$d/pids\"",
            "printf r >&5",
            "exec 5>&-",
            "wait $c1 $c2",
            "echo eof > \"$d/eof\"",
            "# after EOF keep running until SIGTERM (the Go shim sends it on close), at most 30 s",
            "i=0; while [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done",
            "echo 'no SIGTERM within 30 s' >> \"$d/signals\"",
            "");

    /**
     * @param args   the logger's argv as sorted key=value pairs (the query's order is not kept)
     * @param env    the logger's environment (sorted; dash adds PWD)
     * @param fds    what fds 0,2,3,4,5 were
     * @param loggerGone the logger and its two cat processes ended within 20 s after the container was deleted
     * @param signals  signals the logger trapped: the Go shim closes the pipes, then SIGTERMs the logger (SIGKILL
     *                 after 12 s); this logger stays up after EOF until SIGTERM (at most 30 s)
     */
    record BinaryLog(Outcome ctrRun, List<String> args, List<String> env, String cwd, List<String> fds, String stdout, String stderr,
                     boolean loggerGone, String signals, List<String> events, boolean clean) {}

    private BinaryLog binaryLog(ShimRuntime rt) {
        String id = containers.newId(rt, "binlog");
        Path logger = ctd.base().resolve("logger.sh");
        Path dir = ctd.base().resolve("logs").resolve(id + "-bin");
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>");
        try {
            Files.writeString(logger, LOGGER);
            Files.setPosixFilePermissions(logger, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String uri = "binary://" + logger + "?dir=" + dir + "&k=v";
        CmdResult r = ctr.run(rt, List.of("--rm", "--log-uri", uri), id, "/bin/sh", "-c", "echo out; echo err >&2; exit 2");
        events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(10));
        try {
            List<Long> pids = Files.exists(dir.resolve("pids"))
                    ? java.util.Arrays.stream(Files.readString(dir.resolve("pids")).strip().split("\\s+")).map(Long::parseLong).toList()
                    : List.of();
            boolean gone = !pids.isEmpty() && Poll.until(Duration.ofSeconds(20),
                    () -> pids.stream().noneMatch(ProcScan::running), b -> b);
            List<String> argv = Files.exists(dir.resolve("args")) ? Files.readAllLines(dir.resolve("args")) : List.of();
            TreeSet<String> pairs = new TreeSet<>();
            for (int i = 0; i + 1 < argv.size(); i += 2) {
                pairs.add(n.apply(argv.get(i) + "=" + argv.get(i + 1)));
            }
            if (argv.size() % 2 != 0) {
                pairs.add("odd argv: " + argv);
            }
            BinaryLog b = new BinaryLog(Outcome.of(r, n), List.copyOf(pairs),
                    read(dir.resolve("env"), n).lines().toList(), read(dir.resolve("cwd"), n).strip(),
                    read(dir.resolve("fds"), n).replaceAll("pipe:\\[\\d+]", "pipe").lines().toList(),
                    read(dir.resolve("stdout"), n), read(dir.resolve("stderr"), n), gone,
                    read(dir.resolve("signals"), n).strip(),
                    comparableEvents(rt, id).stream().map(n::apply).toList(), teardown(rt, id).clean());
            System.err.println("[e2e] " + rt + ": " + r + "\n  " + b);
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path p, Outcome.Norm n) throws IOException {
        return Files.exists(p) ? n.apply(Files.readString(p)) : "<absent>";
    }

    /**
     * {@code --log-uri binary:///logger?dir=..&k=v}: the shim starts the logger with the query as argv
     * pairs, env CONTAINER_ID / CONTAINER_NAMESPACE only, fds 3/4 = the container's stdout/stderr pipes,
     * fd 5 = the ready pipe; the container's output reaches the logger.
     */
    @Test
    void logUriBinary() {
        Sides<BinaryLog> s = Sides.run(ref, ut, this::binaryLog);
        assertAll(bothSides(s, (who, o) -> {
            BinaryLog v = (BinaryLog) o;
            return List.of(
                    () -> assertEquals(2, v.ctrRun().exit(), who + ": ctr run exit code " + v.ctrRun()),
                    () -> assertEquals(List.of("dir=<base>/logs/<id>-bin", "k=v"), v.args(), who + ": logger argv"),
                    () -> assertTrue(v.env().containsAll(List.of("CONTAINER_ID=<id>", "CONTAINER_NAMESPACE=" + ctd.namespace())),
                            who + ": logger env " + v.env()),
                    () -> assertEquals(List.of("0 /dev/null", "2 /dev/null", "3 pipe", "4 pipe", "5 pipe"), v.fds(), who + ": logger fds"),
                    () -> assertEquals("out\n", v.stdout(), who + ": container stdout at the logger"),
                    () -> assertEquals("err\n", v.stderr(), who + ": container stderr at the logger"),
                    () -> assertTrue(v.loggerGone(), who + ": logger processes ended"),
                    () -> assertEquals("TERM", v.signals(), who + ": logger got SIGTERM when the IO was closed"),
                    () -> assertTrue(v.clean(), who + ": leftovers"));
        }));
    }
}
