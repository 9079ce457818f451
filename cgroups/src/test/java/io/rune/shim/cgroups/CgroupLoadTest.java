package io.rune.shim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLoadTest {
    @Test
    void hybridHostIsV1DespiteTheUnifiedMount() throws Exception {
        CgroupRoot root = Samples.root("v1-host");
        Cgroup cg = Cgroup.forPid(root, 4242);
        V1Cgroup v1 = assertInstanceOf(V1Cgroup.class, cg);
        assertEquals(Set.of("memory", "cpu", "cpuacct", "pids", "blkio"), v1.controllers().keySet());
        assertEquals(root.resolve("/sys/fs/cgroup/memory/rec7570"), v1.memoryPath().orElseThrow());
        assertEquals(root.resolve("/sys/fs/cgroup/cpuacct/rec7570"), v1.controllers().get("cpuacct"));
        assertTrue(cg.exists());
    }

    @Test
    void unifiedHostIsV2() throws Exception {
        CgroupRoot root = Samples.root("v2-unified");
        V2Cgroup v2 = assertInstanceOf(V2Cgroup.class, Cgroup.forPid(root, 4242));
        assertEquals(root.resolve("/sys/fs/cgroup/default/c1"), v2.path());
        assertEquals(root.resolve("/sys/fs/cgroup"), v2.mountPoint());
    }

    @Test
    void goneProcessIsNotFound() {
        assertThrows(CgroupNotFoundException.class, () -> Cgroup.forPid(Samples.root("v1-host"), 999999));
    }

    @Test
    void goneCgroupDirectoriesAreNotFound(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v2-unified", tmp);
        Files.writeString(root.resolve("/proc/4242/cgroup"), "0::/default/gone\n");
        assertThrows(CgroupNotFoundException.class, () -> Cgroup.forPid(root, 4242));
    }

    @Test
    void combinedControllersAndNamespaceRoots() {
        ProcCgroup p = ProcCgroup.parse("12:cpu,cpuacct:/kubepods/pod1/c1\n3:name=systemd:/x\n0::/kubepods/pod1/c1\n");
        assertEquals("/kubepods/pod1/c1", p.v1Paths().get("cpu"));
        assertEquals("/kubepods/pod1/c1", p.v1Paths().get("cpuacct"));
        assertEquals("/kubepods/pod1/c1", p.unifiedPath());
        CgroupMount m = CgroupMount.parse(
                "35 31 0:32 /kubepods /sys/fs/cgroup/cpu,cpuacct rw,relatime shared:5 master:1 - cgroup cgroup rw,cpu,cpuacct");
        assertEquals(Set.of("rw", "cpu", "cpuacct"), m.options());
        assertEquals("/sys/fs/cgroup/cpu,cpuacct/pod1/c1", m.dirOf("/kubepods/pod1/c1"));
        assertEquals("/sys/fs/cgroup/cpu,cpuacct", m.dirOf("/kubepods"));
        assertNull(ProcCgroup.parse("4:memory:/a\n").unifiedPath());
    }

    @Test
    void mountinfoEscapesAndOtherFilesystems() {
        assertNull(CgroupMount.parse("27 1 254:0 / / rw,relatime - ext4 /dev/vda rw"));
        CgroupMount m = CgroupMount.parse("41 31 0:38 / /sys/fs/cgroup/my\\040dir rw - cgroup2 cgroup2 rw");
        assertEquals("/sys/fs/cgroup/my dir", m.mountPoint());
        assertEquals("cgroup2", m.fsType());
        assertFalse(m.options().contains("memory"));
    }

    @Test
    void thisHostResolvesTheTestProcess() throws Exception {
        // a live check on the machine the tests run on: whatever its mode, our own cgroup resolves and reads
        Cgroup cg = Cgroup.forPid((int) ProcessHandle.current().pid());
        assertTrue(cg.exists());
        var any = cg.statsAny();
        assertTrue(any.getTypeUrl().startsWith("io.containerd.cgroups.v"));
        if (cg instanceof V1Cgroup v1 && v1.memoryPath().isPresent()) {
            var m = v1.stats();
            assertTrue(m.getMemory().getUsage().getUsage() > 0, "memory usage of this JVM's cgroup");
        }
    }
}
