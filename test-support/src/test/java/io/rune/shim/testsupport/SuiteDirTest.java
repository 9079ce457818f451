package io.rune.shim.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteDirTest {

    @Test
    void onlyAPrefixedDirDirectlyInTmpIsOurs() {
        assertTrue(SuiteDir.ours(Path.of("/tmp/e2e-123"), "e2e-"));
        assertFalse(SuiteDir.ours(Path.of("/tmp/e2e-"), "e2e-"), "the bare prefix");
        assertFalse(SuiteDir.ours(Path.of("/tmp"), "e2e-"));
        assertFalse(SuiteDir.ours(Path.of("/"), "e2e-"));
        assertFalse(SuiteDir.ours(Path.of("/var/tmp/e2e-123"), "e2e-"));
        assertFalse(SuiteDir.ours(Path.of("/tmp/x/e2e-123"), "e2e-"));
        assertFalse(SuiteDir.ours(Path.of("/tmp/e2e-1/../../etc"), "e2e-"));
        assertFalse(SuiteDir.ours(Path.of("tmp/e2e-123"), "e2e-"), "relative");
        assertFalse(SuiteDir.ours(Path.of("/tmp/other"), "e2e-"));
        assertFalse(SuiteDir.ours(Path.of("/tmp/e2e-123"), ""), "empty prefix");
    }

    @Test
    void disposeCopiesTheChosenLogsAndDeletesTheDir(@TempDir Path logs) throws IOException {
        SuiteDir dir = SuiteDir.create("ts-test-", "[test]");
        Files.writeString(dir.resolve("containerd.log"), "log\n");
        Files.writeString(dir.resolve("other.txt"), "x");
        Files.createDirectories(dir.resolve("a/b"));
        assertEquals(List.of(), dir.mountsBelow());
        dir.dispose(false, logs.resolve("out"), "containerd.log"::equals);
        assertFalse(Files.exists(dir.path()));
        assertEquals("log\n", Files.readString(logs.resolve("out/containerd.log")));
        assertFalse(Files.exists(logs.resolve("out/other.txt")));
    }

    @Test
    void keepLeavesTheDir(@TempDir Path logs) throws IOException {
        SuiteDir dir = SuiteDir.create("ts-test-", "[test]");
        try {
            dir.dispose(true, logs, n -> false);
            assertTrue(Files.isDirectory(dir.path()));
        } finally {
            Files.deleteIfExists(dir.path());
        }
    }
}
