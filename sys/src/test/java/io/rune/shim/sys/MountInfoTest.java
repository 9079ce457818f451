package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class MountInfoTest {
    @Test
    void parsesOptionalFieldsAndEscapes() {
        MountInfo m = MountInfo.parse("36 25 0:32 / /sys/fs/cgroup/my\\040dir rw,relatime shared:9 master:2 - cgroup cgroup rw,memory");
        assertEquals("/", m.root());
        assertEquals("/sys/fs/cgroup/my dir", m.mountPoint());
        assertEquals("cgroup", m.fsType());
        assertEquals("cgroup", m.source());
        assertEquals("rw,memory", m.superOptions());
        assertNull(MountInfo.parse("not a mountinfo line"));
        assertEquals("a\\b", MountInfo.unescape("a\\134b"));
    }

    @Test
    void rootIsAMountPointAndAFreshPathIsNot() {
        assertTrue(MountInfo.isMountPoint(Path.of("/")));
        assertFalse(MountInfo.isMountPoint(Path.of("/proc/self/nonexistent-mount-point")));
    }
}
