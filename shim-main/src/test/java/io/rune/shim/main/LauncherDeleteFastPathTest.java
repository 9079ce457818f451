package io.rune.shim.main;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.frame.Command;
import io.rune.shim.frame.CommandResult;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.sys.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher answers containerd's `delete` itself when nothing is left to clean up; these run the
 * launcher template (its exec line is never reached on the fast path) and decode what it printed.
 */
class LauncherDeleteFastPathTest {
    private static final Path TEMPLATE = Path.of("").toAbsolutePath().getParent().resolve("scripts/containerd-shim-rune-v2.in");

    private record Run(int exit, byte[] stdout) {}

    private static Run delete(Path bundle, String id) throws Exception {
        List<String> argv = new ArrayList<>(List.of("sh", TEMPLATE.toString(), "-namespace", "ns1", "-address",
                "/run/x.sock", "-publish-binary", "/usr/bin/containerd", "-id", id, "-bundle", bundle.toString(), "delete"));
        // through the frame's runner: java.lang.Process would race its reaper, which other tests of this JVM start
        CommandResult r = ReaperCommands.start().run(Command.of(argv).withCwd(bundle).withTimeout(Duration.ofSeconds(30)));
        return new Run(r.status(), r.stdout());
    }

    @Test
    void cleanBundleIsAnsweredWithoutTheJvm(@TempDir Path bundle) throws Exception {
        Files.writeString(bundle.resolve("init.pid"), "4242");
        Files.writeString(bundle.resolve("options.json"), "{\"root\":\"" + bundle.resolve("state") + "\"}");
        Run r = delete(bundle, "c1");
        assertEquals(0, r.exit());
        DeleteResponse d = DeleteResponse.parseFrom(r.stdout());
        assertEquals(4242, d.getPid());
        assertEquals(137, d.getExitStatus());
        long age = Instant.now().getEpochSecond() - d.getExitedAt().getSeconds();
        assertTrue(age >= 0 && age < 10, "exited_at is now: " + d.getExitedAt());
        assertTrue(d.getExitedAt().getNanos() >= 0 && d.getExitedAt().getNanos() < 1_000_000_000);
    }

    @Test
    void withoutPidFileThePidIsUint32Max(@TempDir Path bundle) throws Exception {
        Run r = delete(bundle, "never-created");
        assertEquals(0, r.exit());
        assertEquals(-1, DeleteResponse.parseFrom(r.stdout()).getPid()); // 0xffffffff as Java's int
    }

    /** rune state still there: the Java DeleteAction must run (here its exec line is a placeholder and fails). */
    @Test
    void leftoverRuneStateGoesToTheJavaPath(@TempDir Path bundle) throws Exception {
        Path root = bundle.resolve("state");
        Files.createDirectories(root.resolve("ns1/c2"));
        Files.writeString(bundle.resolve("options.json"), "{\"root\":\"" + root + "\"}");
        Run r = delete(bundle, "c2");
        assertNotEquals(0, r.exit());
        assertEquals(0, r.stdout().length);
    }

    @Test
    void mountedRootfsGoesToTheJavaPath(@TempDir Path bundle) throws Exception {
        Path rootfs = Files.createDirectory(bundle.resolve("rootfs"));
        Mounts.mount("tmpfs", rootfs.toString(), "tmpfs", 0, "size=1m");
        try {
            Run r = delete(bundle, "c3");
            assertNotEquals(0, r.exit());
            assertEquals(0, r.stdout().length);
        } finally {
            Mounts.umount(rootfs.toString(), 0);
        }
    }
}
