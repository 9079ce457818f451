package io.rune.shim.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogFileTest {

    @Test
    void aRelativeUriIsAnInvalidArgumentNamingIt() {
        StdioException e = assertThrows(StdioException.class, () -> LogFile.prepare("file://relative.log"));
        assertEquals(StdioException.Reason.INVALID_ARGUMENT, e.reason());
        assertEquals("log URI file://relative.log: not an absolute file path (file:///dir/file)", e.getMessage());
    }

    @Test
    void aDirectoryThatCannotBeMadeIsNamedWithTheReason() {
        StdioException e = assertThrows(StdioException.class, () -> LogFile.prepare("file:///proc/nope/x.log"));
        assertEquals("mkdir /proc/nope: no such file or directory", e.getMessage());
    }

    @Test
    void theDirectoryIsMadeAndThePathReturned(@TempDir Path dir) throws Exception {
        Path p = LogFile.prepare("file://" + dir + "/a/b/c.log");
        assertEquals(dir.resolve("a/b/c.log"), p);
        assertTrue(Files.isDirectory(dir.resolve("a/b")));
    }
}
