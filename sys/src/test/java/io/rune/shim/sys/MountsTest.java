package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real mounts (the tests run as root): with and without a data string, read-only, unmount. */
class MountsTest {
    private static boolean mounted(Path p) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().anyMatch(l -> l.split(" ")[4].equals(p.toString()));
    }

    @Test
    void tmpfsWithOptionsAndReadOnly(@TempDir Path dir) throws Exception {
        Path t = Files.createDirectory(dir.resolve("t"));
        Mounts.mount("tmpfs", t.toString(), "tmpfs", 0, "size=1m,mode=0700");
        try {
            assertTrue(mounted(t));
            Files.writeString(t.resolve("f"), "x");
            assertTrue(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .anyMatch(l -> l.contains(" " + t + " ") && l.contains("size=1024k")), "data string not applied");
        } finally {
            Mounts.umount(t.toString(), 0);
        }
        assertFalse(mounted(t));
        Mounts.mount("tmpfs", t.toString(), "tmpfs", Mounts.MS_RDONLY, null);
        try {
            assertThrows(java.io.IOException.class, () -> Files.writeString(t.resolve("g"), "x"));
        } finally {
            Mounts.umount(t.toString(), 0);
        }
    }

    @Test
    void errorsNameTheCallAndErrno(@TempDir Path dir) {
        SysException e = assertThrows(SysException.class, () -> Mounts.umount(dir.toString(), 0));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("umount2 " + dir + ": invalid argument", e.getMessage());
        e = assertThrows(SysException.class, () -> Mounts.mount("none", dir.resolve("missing").toString(), "tmpfs", 0, ""));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("mount tmpfs none on " + dir.resolve("missing") + ": no such file or directory", e.getMessage());
    }
}
