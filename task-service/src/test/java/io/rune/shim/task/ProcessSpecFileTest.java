package io.rune.shim.task;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessSpecFileTest {
    @TempDir
    Path dir;

    @Test
    void writesTheSpecOwnerOnlyUnderANewName() throws Exception {
        byte[] spec = "{\"args\":[\"/bin/true\"]}".getBytes(StandardCharsets.UTF_8);
        Path a = ProcessSpecFile.write(dir, "c1", "e1", spec);
        Path b = ProcessSpecFile.write(dir, "c1", "e1", spec);
        assertNotEquals(a, b);
        assertArrayEquals(spec, Files.readAllBytes(a));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(a)));
        assertEquals(dir, a.getParent());
    }

    @Test
    void aNameLeftBehindIsSkippedNotOverwritten() throws Exception {
        Path first = ProcessSpecFile.write(dir, "c2", "e2", new byte[] {1});
        // the next names in sequence already exist (a daemon before us with the same pid)
        String name = first.getFileName().toString();
        String[] parts = name.split("-");
        long seq = Long.parseLong(parts[3]);
        for (long s = seq + 1; s <= seq + 3; s++) {
            Files.writeString(dir.resolve("runc-process-" + parts[2] + "-" + s + "-c2-e2"), "old");
        }
        Path next = ProcessSpecFile.write(dir, "c2", "e2", new byte[] {2});
        assertArrayEquals(new byte[] {2}, Files.readAllBytes(next));
        assertEquals("old", Files.readString(dir.resolve("runc-process-" + parts[2] + "-" + (seq + 1) + "-c2-e2")));
    }
}
