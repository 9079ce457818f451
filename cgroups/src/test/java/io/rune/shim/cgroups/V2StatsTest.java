package io.rune.shim.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.api.cgroups.v2.IOEntry;
import io.rune.shim.api.cgroups.v2.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** v2-unified: recorded cgroup2 files of this host plus hand-written memory/pids/io/hugetlb/rdma files. */
class V2StatsTest {
    private static final long MAX = -1L; // 2^64-1

    private static Metrics sample() throws Exception {
        return (Metrics) Cgroup.forPid(Samples.root("v2-unified"), 4242).stats();
    }

    @Test
    void cpuFromCpuStatAndPressure() throws Exception {
        var cpu = sample().getCpu();
        assertEquals(270538, cpu.getUsageUsec());
        assertEquals(234727, cpu.getUserUsec());
        assertEquals(35810, cpu.getSystemUsec());
        assertEquals(12, cpu.getNrPeriods());
        assertEquals(3, cpu.getNrThrottled());
        assertEquals(4521, cpu.getThrottledUsec());
        assertEquals(15408, cpu.getPsi().getSome().getTotal());
        assertEquals(14202, cpu.getPsi().getFull().getTotal());
    }

    @Test
    void memoryFromMemoryStatAndSingleFiles() throws Exception {
        var mem = sample().getMemory();
        assertEquals(4218880, mem.getAnon());
        assertEquals(8511488, mem.getFile());
        assertEquals(49152, mem.getKernelStack());
        assertEquals(847872, mem.getSlab());
        assertEquals(4096, mem.getSock());
        assertEquals(8003584, mem.getShmem());
        assertEquals(2097152, mem.getAnonThp());
        assertEquals(4096, mem.getInactiveFile());
        assertEquals(626688, mem.getSlabReclaimable());
        assertEquals(2915, mem.getPgfault());
        assertEquals(1, mem.getPgmajfault());
        assertEquals(0, mem.getWorkingsetRefault()); // kernel 6.x only has _anon/_file variants
        assertEquals(120, mem.getPgscan());
        assertEquals(96, mem.getPgsteal());
        assertEquals(7, mem.getPgrefill());
        assertEquals(1, mem.getThpFaultAlloc());
        assertEquals(12914688, mem.getUsage());
        assertEquals(33554432, mem.getUsageLimit());
        assertEquals(0, mem.getSwapUsage());
        assertEquals(MAX, mem.getSwapLimit());
        assertEquals(16777216, mem.getMaxUsage());
        assertTrue(mem.hasPsi());
    }

    @Test
    void eventsPidsIoHugetlbRdma() throws Exception {
        Metrics m = sample();
        assertEquals(1, m.getMemoryEvents().getOomKill());
        assertEquals(2, m.getMemoryEvents().getOom());
        assertEquals(17, m.getMemoryEvents().getMax());
        assertEquals(2, m.getPids().getCurrent());
        assertEquals(MAX, m.getPids().getLimit());
        assertEquals(2, m.getIo().getUsageCount());
        assertEquals(IOEntry.newBuilder().setMajor(254).setMinor(0).setRbytes(16822272).setWbytes(18083840)
                .setRios(19).setWios(336).build(), m.getIo().getUsage(0));
        assertEquals(17335, m.getIo().getPsi().getSome().getTotal());
        assertEquals(2, m.getHugetlbCount()); // rsvd files do not make entries of their own
        assertEquals("2MB", m.getHugetlb(0).getPagesize());
        assertEquals(MAX, m.getHugetlb(0).getMax());
        assertEquals("1GB", m.getHugetlb(1).getPagesize());
        assertEquals(1073741824, m.getHugetlb(1).getCurrent());
        assertEquals(2147483648L, m.getHugetlb(1).getMax());
        assertEquals("ocrdma1", m.getRdma().getLimit(1).getDevice());
        assertEquals(-1, m.getRdma().getLimit(1).getHcaObjects()); // "max" = 2^32-1
        assertEquals(12, m.getRdma().getCurrent(0).getHcaObjects());
    }

    @Test
    void typeUrl() throws Exception {
        var any = Cgroup.forPid(Samples.root("v2-unified"), 4242).statsAny();
        assertEquals("io.containerd.cgroups.v2.Metrics", any.getTypeUrl());
        assertEquals(sample(), Metrics.parseFrom(any.getValue()));
    }

    @Test
    void withoutControllersOnlyTheAlwaysPresentParts(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v2-unified", tmp);
        Path c1 = root.resolve("/sys/fs/cgroup/default/c1");
        Files.writeString(c1.resolve("cgroup.controllers"), "\n"); // like this host's cgroup2 children
        Files.delete(c1.resolve("memory.events"));
        Metrics m = (Metrics) Cgroup.forPid(root, 4242).stats();
        assertEquals(0, m.getCpu().getUsageUsec()); // cpu.stat is read only with the cpu controller, as in Go
        assertEquals(0, m.getMemory().getAnon());
        assertTrue(m.hasPids() && m.hasCpu() && m.hasMemory() && m.hasIo() && m.hasRdma());
        assertFalse(m.hasMemoryEvents());
    }

    @Test
    void vanishedCgroupIsNotFound(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v2-unified", tmp);
        Cgroup cg = Cgroup.forPid(root, 4242);
        try (var s = Files.walk(root.resolve("/sys/fs/cgroup/default/c1"))) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        assertThrows(CgroupNotFoundException.class, cg::stats);
    }

    @Test
    void enableControllersWritesEveryAncestorButNotTheCgroup(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v2-unified", tmp);
        Files.writeString(root.resolve("/sys/fs/cgroup/cgroup.subtree_control"), "");
        Files.writeString(root.resolve("/sys/fs/cgroup/default/cgroup.subtree_control"), "");
        Files.writeString(root.resolve("/sys/fs/cgroup/default/c1/cgroup.subtree_control"), "");
        ((V2Cgroup) Cgroup.forPid(root, 4242)).enableControllers();
        String want = "+cpuset +cpu +io +memory +hugetlb +pids +rdma +misc";
        assertEquals(want, Files.readString(root.resolve("/sys/fs/cgroup/cgroup.subtree_control")));
        assertEquals(want, Files.readString(root.resolve("/sys/fs/cgroup/default/cgroup.subtree_control")));
        assertEquals("", Files.readString(root.resolve("/sys/fs/cgroup/default/c1/cgroup.subtree_control")));
    }
}
