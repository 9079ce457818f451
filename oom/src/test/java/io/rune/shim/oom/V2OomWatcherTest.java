package io.rune.shim.oom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.cgroups.CgroupRoot;
import io.rune.shim.cgroups.V2Cgroup;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 watcher against a temp directory whose memory.events / cgroup.events the test rewrites the
 * way the kernel updates them: this host's cgroup2 (/sys/fs/cgroup/unified) has no memory
 * controller (it is bound to v1), so no real memory.events exists to watch here.
 */
class V2OomWatcherTest {
    private final LinkedBlockingQueue<String> ooms = new LinkedBlockingQueue<>();

    private static V2Cgroup cgroup(Path dir, long oomKill) throws IOException {
        Files.createDirectories(dir);
        writeEvents(dir, oomKill);
        Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        return new V2Cgroup(new CgroupRoot(Path.of("/")), dir.getParent(), dir);
    }

    private static void writeEvents(Path dir, long oomKill) throws IOException {
        Files.writeString(dir.resolve("memory.events"),
                "low 0\nhigh 0\nmax " + (oomKill * 3) + "\noom " + oomKill + "\noom_kill " + oomKill + "\noom_group_kill 0\n");
    }

    @Test
    void growthOfOomKillIsReportedFromTheRegisteredValueOn(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("c1");
        try (V2OomWatcher w = new V2OomWatcher(ooms::add)) {
            w.register("c1", cgroup(dir, 2)); // earlier kills are not reported
            writeEvents(dir, 2);
            assertNull(ooms.poll(300, TimeUnit.MILLISECONDS));
            writeEvents(dir, 3);
            assertEquals("c1", ooms.poll(5, TimeUnit.SECONDS));
            writeEvents(dir, 5);
            assertEquals("c1", ooms.poll(5, TimeUnit.SECONDS));
            assertNull(ooms.poll(300, TimeUnit.MILLISECONDS)); // one report per observed growth
            assertTrue(w.watching("c1"));
        }
    }

    @Test
    void stopsWhenNoLongerPopulatedAfterReportingTheLastKill(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("c2");
        try (V2OomWatcher w = new V2OomWatcher(ooms::add)) {
            long inotifies = Fds.anon("inotify");
            w.register("c2", cgroup(dir, 0));
            assertEquals(inotifies + 1, Fds.anon("inotify"));
            // the OOM kill empties the cgroup: both files change before the watcher looks
            writeEvents(dir, 1);
            Files.writeString(dir.resolve("cgroup.events"), "populated 0\nfrozen 0\n");
            assertEquals("c2", ooms.poll(5, TimeUnit.SECONDS));
            for (int i = 0; i < 200 && w.watching("c2"); i++) Thread.sleep(10);
            assertFalse(w.watching("c2"));
            assertEquals(inotifies, Fds.anon("inotify"));
        }
    }

    @Test
    void vanishedFilesStopTheWatch(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("c3");
        try (V2OomWatcher w = new V2OomWatcher(ooms::add)) {
            w.register("c3", cgroup(dir, 0));
            Files.delete(dir.resolve("memory.events"));
            for (int i = 0; i < 200 && w.watching("c3"); i++) Thread.sleep(10);
            assertFalse(w.watching("c3"));
            assertTrue(ooms.isEmpty());
        }
    }

    @Test
    void noMemoryControllerIsARegisterError(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("c4"));
        Files.writeString(dir.resolve("cgroup.events"), "populated 1\nfrozen 0\n");
        try (V2OomWatcher w = new V2OomWatcher(ooms::add)) {
            long before = Fds.all();
            assertThrows(IOException.class, () -> w.register("c4", new V2Cgroup(new CgroupRoot(Path.of("/")), tmp, dir)));
            assertEquals(before, Fds.all());
        }
    }

    @Test
    void fdsReturnAfterManyRegistrations(@TempDir Path tmp) throws Exception {
        try (V2OomWatcher w = new V2OomWatcher(ooms::add)) {
            w.register("warm", cgroup(tmp.resolve("warm"), 0));
            w.unregister("warm");
            long all = Fds.all();
            for (int i = 0; i < 50; i++) w.register("c" + i, cgroup(tmp.resolve("c" + i), 0));
            for (int i = 0; i < 50; i++) w.unregister("c" + i);
            assertEquals(all, Fds.all());
        }
    }

    @Test
    void dispatcherRoutesByCgroupVersion(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("c5");
        try (OomWatcher w = OomWatcher.create(ooms::add)) {
            w.register("c5", cgroup(dir, 0));
            writeEvents(dir, 1);
            assertEquals("c5", ooms.poll(5, TimeUnit.SECONDS));
            w.unregister("c5");
            w.unregister("unknown");
        }
    }
}
