package io.rune.shim.main;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.frame.Flags;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeleteActionTest {
    @Test
    void mountedReadsMountinfo(@TempDir Path dir) {
        assertTrue(DeleteAction.mounted(Path.of("/proc")));
        assertFalse(DeleteAction.mounted(dir));
    }

    /** Nothing left of the container: answered from the bundle alone, no rune call, no warning. */
    @Test
    void aCleanBundleIsAnsweredWithItsPidAnd137(@TempDir Path bundle) throws Exception {
        Files.writeString(bundle.resolve("init.pid"), "777\n");
        Files.writeString(bundle.resolve("options.json"), "{\"root\":\"" + bundle.resolve("state") + "\"}");
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Flags f = Flags.parse(List.of("-namespace", "ns", "-id", "c1", "delete"));
        DeleteResponse r = new RuneShim().delete(f, bundle, new PrintStream(warnings, true));
        assertEquals(777, r.getPid());
        assertEquals(137, r.getExitStatus());
        assertTrue(Math.abs(Instant.now().getEpochSecond() - r.getExitedAt().getSeconds()) < 10);
        assertEquals("", warnings.toString());
    }

    /** Leftover rune state: rune delete --force runs (here a stand-in that fails), its failure is a warning only. */
    @Test
    void leftoverStateRunsRuneDeleteAndWarnsOnFailure(@TempDir Path bundle) throws Exception {
        Path rune = bundle.resolve("fake-rune");
        Files.writeString(rune, "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/rune-args\"\necho 'cannot delete' >&2\nexit 1\n");
        rune.toFile().setExecutable(true);
        Path root = bundle.resolve("state");
        Files.createDirectories(root.resolve("ns/c2"));
        Files.writeString(bundle.resolve("options.json"), "{\"binary_name\":\"" + rune + "\",\"root\":\"" + root + "\"}");
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        DeleteResponse r = new RuneShim().delete(Flags.parse(List.of("-namespace", "ns", "-id", "c2", "delete")), bundle,
                new PrintStream(warnings, true));
        assertEquals(-1, r.getPid());
        assertEquals(137, r.getExitStatus());
        String args = Files.readString(bundle.resolve("rune-args"));
        assertTrue(args.contains("--root " + root + "/ns") && args.trim().endsWith("delete --force c2"), args);
        assertTrue(warnings.toString().startsWith("failed to remove runc container: "), warnings.toString());
    }
}
