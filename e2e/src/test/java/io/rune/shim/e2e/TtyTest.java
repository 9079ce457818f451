package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * {@code ctr run -t} and {@code ctr task exec -t} through a real pty: util-linux {@code script} gives ctr
 * a terminal of 30x100; the process inside reports its size, echoes a line typed on the outer terminal,
 * then the outer terminal is resized to 40x120 and the process must see the new size (SIGWINCH -> ctr ->
 * ResizePty -> TIOCSWINSZ on the console master).
 */
class TtyTest extends E2eTestBase {
    private static final Path SCRIPT = Path.of("/usr/bin/script");

    /** Runs in the container (no single quotes: it is passed in '...'). */
    private static final String INNER = String.join("\n",
            "s=; i=0; while [ -z \"$s\" ] && [ $i -lt 100 ]; do s=$(stty size 2>/dev/null); i=$((i+1)); [ -z \"$s\" ] && sleep 0.1; done",
            "echo \"size1=$s\"",
            "echo \"tty=$(tty)\"",
            "echo ready",
            "read line",
            "echo \"got=$line\"",
            "t=$s; i=0; while [ \"$t\" = \"$s\" ] && [ $i -lt 100 ]; do sleep 0.1; t=$(stty size 2>/dev/null); i=$((i+1)); done",
            "echo \"size2=$t\"",
            "exit 4");

    TtyTest(PrivateContainerd ctd) {
        super(ctd);
    }

    @BeforeAll
    static void needScript() {
        assertTrue(Files.isExecutable(SCRIPT), SCRIPT + " missing (apt-get install util-linux / bsdutils)");
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * @param exit   exit code of ctr (through script -e)
     * @param lines  the key=value lines printed inside, in order
     * @param echoed whether the typed text was echoed by the container's tty
     */
    record Tty(int exit, List<String> lines, boolean echoed, List<String> events, boolean clean) {}

    private Tty drive(ShimRuntime rt, String id, List<String> ctrArgs, boolean exec) {
        Path driver = ctd.base().resolve("tty-" + id + ".sh");
        Path flag = ctd.base().resolve("tty-" + id + ".resize");
        String ctrLine = ctr.argv(ctrArgs).stream().map(TtyTest::quote).collect(Collectors.joining(" "));
        try {
            Files.writeString(driver, String.join("\n",
                    "stty rows 30 cols 100",
                    "exec 3<&0",
                    ctrLine + " <&3 &",
                    "p=$!",
                    "i=0; while [ ! -e " + quote(flag.toString()) + " ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i+1)); done",
                    "stty rows 40 cols 120",
                    "wait $p",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CmdResult r;
        try (LiveProcess p = LiveProcess.start(List.of(SCRIPT.toString(), "-qfec", "/bin/sh " + driver, "/dev/null"))) {
            if (p.awaitStdoutContains("ready", Duration.ofSeconds(30))) {
                p.write("typed\r");
                p.awaitStdoutContains("got=typed", Duration.ofSeconds(15));
            }
            Files.writeString(flag, "");
            r = p.await(Duration.ofSeconds(40));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.err.println("[e2e] " + rt + ": " + r.describe().replace("\r", "\\r"));
        String out = r.stdout().replace("\r", "");
        List<String> lines = out.lines().map(String::strip).filter(l -> l.matches("(size1|tty|got|size2)=.*")).toList();
        boolean echoed = out.lines().anyMatch(l -> l.strip().equals("typed"));
        if (exec) {
            events.awaitExit(id, id + "-tty", Duration.ofSeconds(10));
        } else {
            events.awaitTopic(id, "/tasks/delete", Duration.ofSeconds(10));
        }
        Poll.sleep(Duration.ofMillis(200));
        List<String> evs = comparableEvents(rt, id).stream()
                .map(e -> e.replace(ctd.base().toString(), "<base>")).toList();
        try {
            Files.deleteIfExists(driver);
            Files.deleteIfExists(flag);
        } catch (IOException ignored) {
            // temp dir is removed at the end anyway
        }
        return new Tty(r.timedOut() ? -1 : r.exitCode(), lines, echoed, evs, teardown(rt, id).clean());
    }

    private Tty runTty(ShimRuntime rt) {
        String id = containers.newId(rt, "ttyrun");
        return drive(rt, id, ctr.runArgs(rt, List.of("-t", "--rm"), id, "/bin/sh", "-c", INNER), false);
    }

    private Tty execTty(ShimRuntime rt) {
        String id = containers.newId(rt, "ttyexec");
        if (!startSleeper(rt, id)) {
            return new Tty(-2, List.of(), false, List.of(), teardown(rt, id).clean());
        }
        return drive(rt, id, ctr.execArgs(List.of("-t"), id, id + "-tty", "/bin/sh", "-c", INNER), true);
    }

    private static List<Executable> absolute(Sides<Tty> s, String tty) {
        List<Executable> checks = new ArrayList<>();
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            String who = side.getKey();
            Tty t = side.getValue();
            checks.add(() -> assertEquals(4, t.exit(), who + ": ctr exit code"));
            checks.add(() -> assertEquals(List.of("size1=30 100", "tty=" + tty, "got=typed", "size2=40 120"), t.lines(),
                    who + ": inside the container: initial size, tty, typed line, size after the resize"));
            checks.add(() -> assertTrue(t.echoed(), who + ": typed text echoed by the container's terminal"));
            checks.add(() -> assertTrue(t.clean(), who + ": leftovers"));
        }
        checks.add(() -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
        return checks;
    }

    @Test
    void runWithTerminal() {
        Sides<Tty> s = Sides.run(ref, ut, this::runTty);
        List<Executable> checks = absolute(s, "/dev/pts/0");
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            checks.add(() -> assertTrue(side.getValue().events().stream().anyMatch(e -> e.startsWith("/tasks/create ") && e.contains("terminal=true")),
                    side.getKey() + ": /tasks/create io.terminal: " + side.getValue().events()));
        }
        assertAll(checks);
    }

    @Test
    void execWithTerminal() {
        Sides<Tty> s = Sides.run(ref, ut, this::execTty);
        List<Executable> checks = absolute(s, "/dev/pts/0");
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            checks.add(() -> assertTrue(side.getValue().events().stream().anyMatch(e -> e.startsWith("/tasks/exit ") && e.contains("exit_status=4,")
                            && e.contains("id=<id>-tty")),
                    side.getKey() + ": /tasks/exit of the exec: " + side.getValue().events()));
        }
        assertAll(checks);
    }
}
