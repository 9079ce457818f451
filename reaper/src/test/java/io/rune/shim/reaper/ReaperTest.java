package io.rune.shim.reaper;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.sys.FdAction;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SpawnRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One reaper per JVM (it owns wait4(-1)), shared by the tests of this class. */
class ReaperTest {
    private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
    private static Reaper reaper;
    private static final BlockingQueue<Exit> orphanExits = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        reaper = Reaper.start();
        reaper.addListener(orphanExits::add);
    }

    private static SpawnRequest sh(String script) {
        return new SpawnRequest(List.of("/bin/sh", "-c", script), ENV, null, List.of(FdAction.devNull(0)), false, false);
    }

    @Test
    void exitCodesOfSpawnedChildren() throws Exception {
        assertEquals(0, reaper.spawn(sh("exit 0")).await(Duration.ofSeconds(10)).status());
        assertEquals(3, reaper.spawn(sh("exit 3")).await(Duration.ofSeconds(10)).status());
        assertEquals(137, reaper.spawn(sh("kill -KILL $$")).await(Duration.ofSeconds(10)).status());
        assertEquals(143, reaper.spawn(sh("kill -TERM $$")).await(Duration.ofSeconds(10)).status());
    }

    /** A child that exits before spawn() returns still reaches its own Child, not the listeners. */
    @Test
    void exitBeforeSubscribeRaceDeliversToTheChild() throws Exception {
        List<Child> children = new ArrayList<>();
        for (int i = 0; i < 50; i++) children.add(reaper.spawn(new SpawnRequest(List.of("/bin/true"), ENV, null, List.of(), false, false)));
        for (Child c : children) {
            Exit e = c.await(Duration.ofSeconds(10));
            assertNotNull(e, "exit of " + c.pid() + " lost");
            assertEquals(0, e.status());
            assertEquals(c.pid(), e.pid());
        }
        assertTrue(orphanExits.stream().noneMatch(e -> children.stream().anyMatch(c -> c.pid() == e.pid())));
    }

    /** A grandchild orphaned by its parent is re-parented to us and reaped via the listener: no zombie. */
    @Test
    void orphansAreAdoptedAndReaped(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        Child parent = reaper.spawn(sh("(sleep 0.3; exit 7) & echo $! > " + pidFile + "; exit 0"));
        assertEquals(0, parent.await(Duration.ofSeconds(10)).status());
        int orphan = Integer.parseInt(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
        Exit e;
        do {
            e = orphanExits.poll(10, TimeUnit.SECONDS);
            assertNotNull(e, "orphan exit not delivered");
        } while (e.pid() != orphan);
        assertEquals(7, e.status());
        assertFalse(Files.exists(Path.of("/proc/" + orphan)), "zombie left behind");
    }

}
