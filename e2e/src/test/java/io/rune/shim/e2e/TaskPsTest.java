package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.CmdResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@code ctr task ps}: the init pid and its child; while an exec runs also the exec's pid with its exec id. */
class TaskPsTest extends E2eTestBase {

    TaskPsTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** {@code ctr task ps} rows: pid -> INFO column. */
    static Map<Long, String> rows(CmdResult r) {
        Map<Long, String> m = new TreeMap<>();
        if (!r.ok()) {
            return m;
        }
        List<String> lines = r.stdout().lines().toList();
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).trim().split("\\s+", 2);
            if (f.length == 2 && f[0].matches("\\d+")) {
                m.put(Long.parseLong(f[0]), f[1]);
            }
        }
        return m;
    }

    /**
     * @param header        first line of the output
     * @param before        INFO of the rows before the exec: init first, then the others, sorted
     * @param during        INFO column of the init row, of the exec row, number of rows while the exec runs
     * @param afterExecKill ctr task kill --exec-id outcome, exec exit code
     */
    record Ps(String header, List<String> before, List<String> during, List<String> afterExecKill, List<String> after, boolean clean) {}

    private Ps scenario(ShimRuntime rt) {
        String id = containers.newId(rt, "ps");
        if (!startSleeper(rt, id)) {
            return new Ps("run failed", List.of(), List.of(), List.of(), List.of(), teardown(rt, id).clean());
        }
        Outcome.Norm n = new Outcome.Norm(ctd).put(id, "<id>");
        long init = ctr.task(id).map(Ctr.TaskInfo::pid).orElse(-1L);
        CmdResult ps1 = ctr.exec("task", "ps", id);
        Map<Long, String> r1 = rows(ps1);
        List<String> before = new ArrayList<>();
        before.add(r1.containsKey(init) ? "init:" + r1.get(init) : "init missing");
        r1.forEach((pid, info) -> {
            if (pid != init) {
                before.add("other:" + info);
            }
        });
        String eid = id + "-ps";
        List<String> during = new ArrayList<>();
        List<String> afterKill = new ArrayList<>();
        try (LiveProcess p = LiveProcess.start(ctr.argv(ctr.execArgs(List.of(), id, eid, "/bin/sleep", "60")))) {
            p.closeStdin();
            Event started = events.await(id, "/tasks/exec-started", e -> eid.equals(e.data().path("exec_id").asText()), Duration.ofSeconds(15));
            long execPid = started == null ? -1 : started.num("pid");
            Map<Long, String> r2 = rows(ctr.exec("task", "ps", id));
            during.add("init:" + r2.get(init));
            during.add("exec:" + n.apply(String.valueOf(r2.get(execPid))));
            during.add("rows:" + r2.size());
            CmdResult kill = ctr.exec("task", "kill", "--exec-id", eid, "-s", "SIGKILL", id);
            afterKill.add("kill --exec-id: " + Outcome.of(kill, n));
            CmdResult ended = p.await(Duration.ofSeconds(20));
            afterKill.add("exec ctr exit: " + ended.exitCode());
            Event exit = events.awaitExit(id, eid, Duration.ofSeconds(10));
            afterKill.add("exec exit event status: " + (exit == null ? "none" : exit.num("exit_status")));
        }
        Map<Long, String> r3 = rows(ctr.exec("task", "ps", id));
        List<String> after = List.of("rows:" + r3.size(), "init:" + r3.get(init));
        Ps ps = new Ps(ps1.ok() ? ps1.stdout().lines().findFirst().orElse("").strip().replaceAll("\\s+", " ") : Outcome.of(ps1, n).toString(),
                before, during, afterKill, after, teardown(rt, id).clean());
        System.err.println("[e2e] " + rt + " init " + init + ": " + ps1.stdout() + " -> " + ps);
        return ps;
    }

    /**
     * The INFO column of an exec's row: ctr prints the decoded ProcessDetails, 1.6 with Go's %v of the
     * (gogo protobuf) struct, 1.7 and 2.x in protobuf text format. The shims send the same bytes either way.
     */
    private String execInfo() {
        return ctd.config().containerd().version().atLeast(1, 7) ? "exec_id:\"<id>-ps\""
                : "&ProcessDetails{ExecID:<id>-ps,XXX_unrecognized:[],}";
    }

    @Test
    void psListsInitAndExecPids() {
        Sides<Ps> s = Sides.run(ref, ut, this::scenario);
        List<Executable> checks = new ArrayList<>();
        for (var side : List.of(Map.entry("reference", s.ref()), Map.entry("under test", s.ut()))) {
            String who = side.getKey();
            Ps p = side.getValue();
            checks.add(() -> assertEquals("PID INFO", p.header(), who + ": header"));
            checks.add(() -> assertEquals(List.of("init:-", "other:-"), p.before(), who + ": init (sh) and its child (sleep)"));
            checks.add(() -> assertEquals(List.of("init:-", "exec:" + execInfo(), "rows:3"),
                    p.during(), who + ": rows while an exec runs"));
            checks.add(() -> assertEquals(List.of("kill --exec-id: exit 0", "exec ctr exit: 137", "exec exit event status: 137"),
                    p.afterExecKill(), who + ": kill of the exec"));
            checks.add(() -> assertEquals(List.of("rows:2", "init:-"), p.after(), who + ": rows after the exec"));
            checks.add(() -> assertTrue(p.clean(), who + ": leftovers"));
        }
        checks.add(() -> assertEquals(s.ref(), s.ut(), "runtime under test differs from reference"));
        assertAll(checks);
    }
}
