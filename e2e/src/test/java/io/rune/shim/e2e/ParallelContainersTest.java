package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Scenario 5: N containers started at once, one shim daemon each, all RUNNING, all cleaned up. */
class ParallelContainersTest extends E2eTestBase {

    ParallelContainersTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** Counts of what went wrong (all zero when fine) plus details for the message. */
    record Parallel(int n, int startFailures, int notRunning, int notOneShim, int teardownFailures, int leaked,
                    Map<String, String> details) {
        Parallel comparable() {
            return new Parallel(n, startFailures, notRunning, notOneShim, teardownFailures, leaked, Map.of());
        }
    }

    private static <T> List<T> parallel(List<String> ids, Function<String, T> f) {
        try (ExecutorService ex = Executors.newFixedThreadPool(ids.size())) {
            List<Future<T>> fs = new ArrayList<>();
            for (String id : ids) {
                fs.add(ex.submit((Callable<T>) () -> f.apply(id)));
            }
            List<T> out = new ArrayList<>();
            for (Future<T> fu : fs) {
                out.add(fu.get());
            }
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Parallel scenario(ShimRuntime rt, int n) {
        Map<String, String> details = new TreeMap<>();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(containers.newId(rt, "par" + i));
        }
        long t0 = System.nanoTime();
        List<CmdResult> starts = parallel(ids, id -> ctr.runDetached(rt, id, SLEEPER));
        long startMs = (System.nanoTime() - t0) / 1_000_000;
        int startFailures = 0;
        for (int i = 0; i < n; i++) {
            if (!starts.get(i).ok()) {
                startFailures++;
                details.put(ids.get(i) + " start", starts.get(i).describe());
            }
        }
        List<String> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (starts.get(i).ok()) {
                started.add(ids.get(i));
            }
        }
        Map<String, Ctr.TaskInfo> tasks = Poll.until(Duration.ofSeconds(30), ctr::tasks,
                m -> started.stream().allMatch(id -> m.containsKey(id) && m.get(id).status().equals("RUNNING")));
        int notRunning = 0;
        for (String id : ids) {
            Ctr.TaskInfo t = tasks.get(id);
            if (t == null || !t.status().equals("RUNNING")) {
                notRunning++;
                details.put(id + " status", t == null ? "ABSENT" : t.status());
            }
        }
        int notOneShim = 0;
        int totalShims = 0;
        for (String id : ids) {
            List<Long> pids = rt.shimPids(ctd.address(), ctd.namespace(), id);
            totalShims += pids.size();
            if (pids.size() != 1) {
                notOneShim++;
                details.put(id + " shims", pids.toString());
            }
        }
        System.err.printf("[e2e] %s: %d x ctr run -d in parallel took %d ms; %d running, %d shim processes%n",
                rt, n, startMs, n - notRunning, totalShims);
        List<Boolean> teardown = parallel(ids, id -> {
            CmdResult k = ctr.kill(id, "SIGKILL");
            String st = k.ok() ? ctr.awaitStatus(id, "STOPPED", Duration.ofSeconds(20)) : ctr.taskStatus(id);
            CmdResult tr = ctr.exec("task", "rm", id);
            CmdResult cr = ctr.exec("container", "rm", id);
            boolean ok = k.ok() && st.equals("STOPPED") && tr.ok() && cr.ok();
            if (!ok) {
                synchronized (details) {
                    details.put(id + " teardown", k.describe() + " / " + st + " / " + tr.describe() + " / " + cr.describe());
                }
            }
            return ok;
        });
        List<Leftovers> left = Poll.until(Duration.ofSeconds(15),
                () -> ids.stream().map(id -> Leftovers.scan(ctd, rt, id)).toList(),
                l -> l.stream().allMatch(Leftovers::clean));
        int leaked = 0;
        for (int i = 0; i < n; i++) {
            if (!left.get(i).clean()) {
                leaked++;
                details.put(ids.get(i) + " leftovers", left.get(i).toString());
            }
        }
        return new Parallel(n, startFailures, notRunning, notOneShim, (int) teardown.stream().filter(b -> !b).count(), leaked, details);
    }

    @Test
    void manyContainersInParallel() {
        int n = ctd.config().parallel();
        Sides<Parallel> s = Sides.run(ref, ut, rt -> scenario(rt, n));
        Parallel ok = new Parallel(n, 0, 0, 0, 0, 0, Map.of());
        assertAll(
                () -> assertEquals(ok, s.ref().comparable(), "reference"),
                () -> assertEquals(ok, s.ut().comparable(), "under test"),
                () -> assertEquals(s.ref().comparable(), s.ut().comparable(), "runtime under test differs from reference"));
    }
}
