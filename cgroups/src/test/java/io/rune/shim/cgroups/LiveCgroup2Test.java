package io.rune.shim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rune.shim.api.cgroups.v2.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The real cgroup2 of a hybrid host (/sys/fs/cgroup/unified): a child with a process in it, read as a
 * V2Cgroup. Only the controller-independent files exist there (no memory/pids/io controllers), so
 * this checks the kernel's own formats of cgroup.controllers and the pressure files.
 */
class LiveCgroup2Test {
    private static final Path UNIFIED = Path.of("/sys/fs/cgroup/unified");

    @Test
    void childOfTheHybridCgroup2Reads() throws Exception {
        assumeTrue(Files.exists(UNIFIED.resolve("cgroup.procs")) && Files.isWritable(UNIFIED), "hybrid cgroup2 mount");
        Path dir = UNIFIED.resolve("rune-cgroups-test-" + ProcessHandle.current().pid());
        Files.createDirectory(dir);
        Process p = new ProcessBuilder("sh", "-c", "echo $$ > " + dir + "/cgroup.procs; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; read x").start();
        try {
            for (int i = 0; i < 200 && Files.readString(dir.resolve("cgroup.procs")).isBlank(); i++) Thread.sleep(10);
            Thread.sleep(200);
            V2Cgroup cg = new V2Cgroup(CgroupRoot.host(), UNIFIED, dir);
            Metrics m = cg.stats();
            assertTrue(m.hasCpu() && m.hasMemory() && m.hasPids() && m.hasIo());
            assertTrue(m.getCpu().hasPsi(), "cpu.pressure is there without the cpu controller");
            assertEquals("io.containerd.cgroups.v2.Metrics", cg.statsAny().getTypeUrl());
            if (Files.readString(dir.resolve("cgroup.controllers")).isBlank()) {
                assertEquals(0, m.getCpu().getUsageUsec()); // Go reads cpu.stat only with the cpu controller
            }
        } finally {
            p.destroyForcibly().waitFor();
            for (int i = 0; i < 100 && Files.exists(dir); i++) {
                try {
                    Files.delete(dir);
                } catch (java.io.IOException e) {
                    Thread.sleep(20);
                }
            }
        }
    }
}
