package io.rune.shim.oom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rune.shim.cgroups.Cgroup;
import io.rune.shim.cgroups.CgroupRoot;
import io.rune.shim.cgroups.V1Cgroup;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real cgroup v1 memory cgroups of this host (needs root and a v1 memory hierarchy). */
class V1OomEpollerTest {
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");

    private final LinkedBlockingQueue<String> ooms = new LinkedBlockingQueue<>();
    private final List<Path> made = new ArrayList<>();
    private Path parent;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Files.exists(MEMORY.resolve("cgroup.event_control")), "cgroup v1 memory hierarchy");
        parent = MEMORY.resolve("rune-oom-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        Files.createDirectory(parent);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Path p : made.reversed()) rmdir(p);
        if (parent != null) rmdir(parent);
    }

    private Path cgroup(String name) throws IOException {
        Path p = Files.createDirectory(parent.resolve(name));
        made.add(p);
        return p;
    }

    private static void rmdir(Path p) throws Exception {
        for (int i = 0; i < 100 && Files.exists(p); i++) {
            try {
                Files.delete(p);
            } catch (IOException e) {
                Thread.sleep(50); // EBUSY while the killed process is still being torn down
            }
        }
    }

    @Test
    void realOomIsReportedOnce() throws Exception {
        Path cg = cgroup("oom");
        Files.writeString(cg.resolve("memory.limit_in_bytes"), String.valueOf(8 << 20));
        if (Files.exists(cg.resolve("memory.memsw.limit_in_bytes"))) {
            Files.writeString(cg.resolve("memory.memsw.limit_in_bytes"), String.valueOf(8 << 20)); // no swap escape
        }
        // the shell joins the cgroup, waits for the go, then allocates without bound
        Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + cg + "/cgroup.procs; read go; exec tail /dev/zero").start();
        try (OomWatcher w = OomWatcher.create(ooms::add)) {
            waitForMember(cg, p.pid());
            Cgroup found = Cgroup.forPid((int) p.pid());
            V1Cgroup v1 = assertInstanceOf(V1Cgroup.class, found);
            assertEquals(cg, v1.memoryPath().orElseThrow());
            w.register("c-oom", found);
            try (OutputStream in = p.getOutputStream()) {
                in.write("go\n".getBytes());
            }
            assertEquals("c-oom", ooms.poll(30, TimeUnit.SECONDS), "OOM event");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, p.exitValue()); // SIGKILL from the OOM killer
            assertTrue(Files.readString(cg.resolve("memory.oom_control")).contains("oom_kill 1"));
            assertNull(ooms.poll(300, TimeUnit.MILLISECONDS), "one kill, one event");
            w.unregister("c-oom");
        } finally {
            p.destroyForcibly().waitFor();
        }
    }

    private static void waitForMember(Path cg, long pid) throws Exception {
        for (int i = 0; i < 200; i++) {
            if (Files.readString(cg.resolve("cgroup.procs")).lines().anyMatch(l -> l.equals(String.valueOf(pid)))) return;
            Thread.sleep(10);
        }
        throw new AssertionError("process " + pid + " never joined " + cg);
    }

    @Test
    void fdsReturnToTheStartAfter50RegisterUnregister() throws Exception {
        List<Path> cgs = new ArrayList<>();
        for (int i = 0; i < 50; i++) cgs.add(cgroup("c" + i));
        try (V1OomEpoller w = new V1OomEpoller(ooms::add)) {
            // one round first, so lazily linked libc calls and loaded classes do not count
            w.register("warm", v1(cgs.get(0)));
            w.unregister("warm");
            long all = Fds.all(), eventfds = Fds.anon("eventfd");
            for (int i = 0; i < 50; i++) w.register("c" + i, v1(cgs.get(i)));
            assertEquals(eventfds + 50, Fds.anon("eventfd"));
            for (int i = 0; i < 50; i++) w.unregister("c" + i);
            assertEquals(eventfds, Fds.anon("eventfd"));
            assertEquals(all, Fds.all());
            assertTrue(ooms.isEmpty(), "no OOM reported: " + ooms);
        }
    }

    @Test
    void removedCgroupIsForgottenAndItsFdClosed() throws Exception {
        Path cg = cgroup("removed");
        try (V1OomEpoller w = new V1OomEpoller(ooms::add)) {
            long eventfds = Fds.anon("eventfd");
            w.register("c-removed", v1(cg));
            assertEquals(eventfds + 1, Fds.anon("eventfd"));
            Files.delete(cg); // the kernel signals the eventfd on removal
            made.remove(cg);
            for (int i = 0; i < 200 && w.watching("c-removed"); i++) Thread.sleep(10);
            assertFalse(w.watching("c-removed"));
            assertEquals(eventfds, Fds.anon("eventfd"));
            assertTrue(ooms.isEmpty(), "removal is not an OOM");
        }
    }

    @Test
    void badContainersDoNotStopTheEpoller() throws Exception {
        Path good = cgroup("good");
        try (V1OomEpoller w = new V1OomEpoller(ooms::add)) {
            assertThrows(IOException.class, () -> w.register("no-memory", new V1Cgroup(CgroupRoot.host(), Map.of())));
            assertThrows(IOException.class, () -> w.register("gone", v1(parent.resolve("never-made"))));
            w.register("good", v1(good));
            // the "bad" one whose cgroup vanishes: dropped by the loop while "good" stays
            Path doomed = cgroup("doomed");
            w.register("doomed", v1(doomed));
            Files.delete(doomed);
            made.remove(doomed);
            for (int i = 0; i < 200 && w.watching("doomed"); i++) Thread.sleep(10);
            assertFalse(w.watching("doomed"));
            assertTrue(w.watching("good"));
            assertTrue(w.running());
        }
    }

    @Test
    void closeWakesTheThreadAndClosesEverything() throws Exception {
        long before = Fds.all();
        V1OomEpoller w = new V1OomEpoller(ooms::add);
        w.register("a", v1(cgroup("a")));
        w.register("b", v1(cgroup("b")));
        w.close();
        assertFalse(w.running());
        assertEquals(before, Fds.all());
        assertThrows(IllegalStateException.class, () -> w.register("c", v1(cgroup("c"))));
    }

    private static V1Cgroup v1(Path memory) {
        return new V1Cgroup(CgroupRoot.host(), Map.of("memory", memory));
    }
}
