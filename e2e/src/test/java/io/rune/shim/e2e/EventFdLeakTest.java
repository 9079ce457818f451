package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The shim daemon releases the fds it holds per container (the cgroup v1 OOM eventfd, its epoll registration,
 * pipes, pidfds, ...): {@value #CONTAINERS} containers are grouped into one daemon
 * ({@code --annotation io.containerd.runc.v2.group=<g>}) that an anchor container keeps alive; each is run,
 * SIGKILLed and deleted; afterwards the daemon's total fd count and its eventfd/eventpoll counts are what they
 * were once the anchor had started. Runs for the runtime under test; {@code -De2e.fdleak.reference=true}
 * also runs it for the reference (report only).
 */
class EventFdLeakTest extends E2eTestBase {
    static final int CONTAINERS = 50;
    /** Containers alive at the same time (2 cores: more only queues). */
    static final int BATCH = 5;
    static final String EVENTFD = "anon_inode:[eventfd]";
    static final String EVENTPOLL = "anon_inode:[eventpoll]";

    EventFdLeakTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** The open fds of a process: total, eventfds, epoll fds, and a count per kind (pipe, socket, anon inode type, path). */
    record Fds(int total, int eventfd, int eventpoll, Map<String, Integer> kinds, List<String> links) {
        static Fds of(List<String> links) {
            Map<String, Integer> kinds = new TreeMap<>();
            for (String l : links) {
                kinds.merge(kind(l), 1, Integer::sum);
            }
            return new Fds(links.size(), (int) links.stream().filter(EVENTFD::equals).count(),
                    (int) links.stream().filter(EVENTPOLL::equals).count(), kinds, links);
        }

        static Fds of(long pid) {
            return of(ProcScan.fds(pid));
        }

        static String kind(String link) {
            if (link.startsWith("anon_inode:")) {
                return link.substring("anon_inode:".length());
            }
            if (link.startsWith("/")) {
                return "path";
            }
            return link.replaceAll(":\\[\\d+]$", "");
        }

        @Override
        public String toString() {
            return total + " fds (eventfd " + eventfd + ", eventpoll " + eventpoll + ") " + kinds;
        }
    }

    /**
     * What the churn showed.
     *
     * @param started    the anchor ran and exactly one daemon served it
     * @param start      the daemon's fds once the anchor ran
     * @param peak       the daemon's fds with the most containers alive (the sample with the most eventfds)
     * @param end        the daemon's fds after the churn and the settle time
     * @param grouped    how many churn containers had the group's shim address (should be all)
     * @param failures   churn containers that did not start, or whose removal left something behind
     * @param sameDaemon the daemon present at the start still ran at the end (same pid and start time)
     * @param added      fd link targets present at the end but not at the start
     * @param removed    fd link targets present at the start but not at the end
     * @param daemonExit the daemon exited after the anchor was deleted
     */
    record Churn(boolean started, long pid, Fds start, Fds peak, Fds end, int grouped, List<String> failures,
                 boolean sameDaemon, List<String> added, List<String> removed, long millis, boolean daemonExit) {
        @Override
        public String toString() {
            return "daemon " + pid + " (" + millis + " ms)\n  start: " + start + "\n  peak:  " + peak + "\n  end:   " + end
                    + "\n  grouped " + grouped + "/" + CONTAINERS + ", failures " + failures + ", same daemon " + sameDaemon
                    + ", exited after the anchor " + daemonExit + "\n  added " + added + "\n  removed " + removed;
        }
    }

    /** Multiset difference a − b. */
    private static List<String> minus(List<String> a, List<String> b) {
        Map<String, Integer> left = new HashMap<>();
        b.forEach(x -> left.merge(x, 1, Integer::sum));
        List<String> out = new ArrayList<>();
        for (String x : a) {
            if (left.getOrDefault(x, 0) > 0) {
                left.merge(x, -1, Integer::sum);
            } else {
                out.add(x);
            }
        }
        Collections.sort(out);
        return out;
    }

    private String address(String id) {
        try {
            return io.rune.shim.testsupport.ShimEndpoint.of(ctd.bundleDir(id)).address();
        } catch (java.io.IOException e) {
            return "unreadable: " + e;
        }
    }

    private Churn churn(ShimRuntime rt) {
        long t0 = System.nanoTime();
        String anchor = containers.newId(rt, "fdanchor");
        String group = "g-" + anchor;
        String ann = "io.containerd.runc.v2.group=" + group;
        Path groupSocket = rt.socketFor(ctd.address(), ctd.namespace(), group);
        if (!startSleeper(rt, anchor, "--annotation", ann)) {
            return new Churn(false, -1, null, null, null, 0, List.of("anchor did not start"), false, List.of(), List.of(), 0, false);
        }
        List<Long> daemons = Poll.until(Duration.ofSeconds(10), () -> rt.shimPids(ctd.address(), ctd.namespace(), anchor), l -> l.size() == 1);
        if (daemons.size() != 1) {
            return new Churn(false, -1, null, null, null, 0, List.of("daemons for the anchor: " + daemons), false, List.of(), List.of(), 0, false);
        }
        long pid = daemons.get(0);
        long startTime = ProcScan.startTime(pid);
        Poll.sleep(Duration.ofMillis(500)); // let the start-up settle (the anchor's OOM registration, I/O copiers)
        Fds start = Fds.of(pid);
        System.err.println("[e2e] " + rt + ": daemon " + pid + " after the anchor started: " + start);

        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        int grouped = 0;
        Fds peak = start;
        try (ExecutorService pool = Executors.newFixedThreadPool(BATCH)) {
            for (int done = 0; done < CONTAINERS; done += BATCH) {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < BATCH && done + i < CONTAINERS; i++) {
                    ids.add(containers.newId(rt, "fd" + (done + i)));
                }
                List<CompletableFuture<Boolean>> starts = ids.stream()
                        .map(id -> CompletableFuture.supplyAsync(() -> startSleeper(rt, id, "--annotation", ann), pool)).toList();
                int running = 0;
                for (int i = 0; i < ids.size(); i++) {
                    if (starts.get(i).get(60, TimeUnit.SECONDS)) {
                        running++;
                        if (address(ids.get(i)).equals("unix://" + groupSocket)) {
                            grouped++;
                        }
                    } else {
                        failures.add(ids.get(i) + " did not start");
                    }
                }
                int expect = start.eventfd() + running;
                Fds sample = Poll.until(Duration.ofSeconds(3), () -> Fds.of(pid), f -> f.eventfd() >= expect);
                if (sample.eventfd() > peak.eventfd() || (sample.eventfd() == peak.eventfd() && sample.total() > peak.total())) {
                    peak = sample;
                }
                List<CompletableFuture<Void>> ends = ids.stream().map(id -> CompletableFuture.runAsync(() -> {
                    Leftovers left = teardown(rt, id);
                    if (!left.clean()) {
                        failures.add(id + " left " + left);
                    }
                }, pool)).toList();
                CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            failures.add("churn aborted: " + e);
        }

        Fds end = Poll.until(Duration.ofSeconds(10), Duration.ofMillis(200), () -> Fds.of(pid),
                f -> f.eventfd() == start.eventfd() && f.total() == start.total());
        boolean same = ProcScan.running(pid) && ProcScan.startTime(pid) == startTime;
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        teardown(rt, anchor);
        boolean exited = Poll.until(Duration.ofSeconds(15), () -> !ProcScan.running(pid) || ProcScan.startTime(pid) != startTime, x -> x);
        Churn c = new Churn(true, pid, start, peak, end, grouped, List.copyOf(failures), same,
                minus(end.links(), start.links()), minus(start.links(), end.links()), millis, exited);
        System.err.println("[e2e] " + rt + ": " + c);
        return c;
    }

    private static void assertNoLeak(String who, Churn c) {
        assertTrue(c.started(), who + ": " + c.failures());
        assertAll(
                () -> assertEquals(List.of(), c.failures(), who + ": churn failures"),
                () -> assertEquals(CONTAINERS, c.grouped(), who + ": containers served by the group's daemon"),
                () -> assertTrue(c.sameDaemon(), who + ": the daemon did not survive the churn"),
                () -> assertTrue(c.peak().eventfd() > c.start().eventfd(),
                        who + ": the daemon's eventfd count never grew with containers running (nothing measured?): " + c.peak()),
                () -> assertEquals(c.start().eventfd(), c.end().eventfd(), who + ": eventfds after the churn; added " + c.added()),
                () -> assertEquals(c.start().eventpoll(), c.end().eventpoll(), who + ": eventpoll fds after the churn; added " + c.added()),
                () -> assertEquals(c.start().total(), c.end().total(),
                        who + ": total fds after the churn; added " + c.added() + ", removed " + c.removed()),
                () -> assertTrue(c.daemonExit(), who + ": the daemon did not exit after the anchor was deleted"));
    }

    @Test
    @Timeout(150)
    void daemonReleasesEventfdsOfDeletedContainers() {
        assertNoLeak("under test", churn(ut));
    }

    /** The same churn under the reference, for comparison (-De2e.fdleak.reference=true). */
    @Test
    @Timeout(150)
    @EnabledIfSystemProperty(named = "e2e.fdleak.reference", matches = "true")
    void referenceForComparison() {
        assertNoLeak("reference", churn(ref));
    }
}
