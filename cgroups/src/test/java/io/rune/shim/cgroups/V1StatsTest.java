package io.rune.shim.cgroups;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import io.rune.shim.api.cgroups.v1.BlkIOEntry;
import io.rune.shim.api.cgroups.v1.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorded v1 files of this host (v1-host) and hand-written ones for what it lacks (v1-extra). */
class V1StatsTest {
    private static final long UNLIMITED = 9223372036854771712L; // the kernel's "no limit" page-rounded

    private static Metrics recorded() throws Exception {
        return (Metrics) Cgroup.forPid(Samples.root("v1-host"), 4242).stats();
    }

    @Test
    void memoryFromRecordedFiles() throws Exception {
        var mem = recorded().getMemory();
        assertEquals(8245248, mem.getCache());
        assertEquals(114688, mem.getRss());
        assertEquals(16384, mem.getDirty());
        assertEquals(2645, mem.getPgPgIn());
        assertEquals(604, mem.getPgPgOut());
        assertEquals(833, mem.getPgFault());
        assertEquals(1, mem.getPgMajFault());
        assertEquals(8114176, mem.getInactiveAnon());
        assertEquals(237568, mem.getActiveFile());
        assertEquals(67108864, mem.getHierarchicalMemoryLimit());
        assertEquals(UNLIMITED, mem.getHierarchicalSwapLimit());
        assertEquals(8245248, mem.getTotalCache());
        assertEquals(833, mem.getTotalPgFault());
        assertEquals(4096, mem.getTotalInactiveFile());
        assertEquals(8491008, mem.getUsage().getUsage());
        assertEquals(67108864, mem.getUsage().getLimit());
        assertEquals(UNLIMITED, mem.getSwap().getLimit());
        assertEquals(UNLIMITED, mem.getKernel().getLimit());
        assertEquals(Long.parseLong(read("memory/rec7570/memory.max_usage_in_bytes")), mem.getUsage().getMax());
        assertEquals(Long.parseLong(read("memory/rec7570/memory.memsw.usage_in_bytes")), mem.getSwap().getUsage());
        assertTrue(mem.hasKernelTcp());
    }

    @Test
    void oomControlCpuPids() throws Exception {
        Metrics m = recorded();
        assertTrue(m.hasMemoryOomControl());
        assertEquals(0, m.getMemoryOomControl().getOomKill());
        var cpu = m.getCpu();
        assertEquals(270538698, cpu.getUsage().getTotal());
        assertEquals(230_000_000, cpu.getUsage().getUser()); // 23 ticks
        assertEquals(30_000_000, cpu.getUsage().getKernel()); // 3 ticks
        assertEquals(List.of(230425737L, 40112961L), cpu.getUsage().getPerCpuList());
        assertTrue(cpu.hasThrottling());
        assertEquals(0, cpu.getThrottling().getPeriods());
        assertEquals(2, m.getPids().getCurrent());
        assertEquals(100, m.getPids().getLimit());
        assertFalse(m.hasRdma());
        assertEquals(0, m.getHugetlbCount()); // no v1 hugetlb mount on the recording host
    }

    @Test
    void blkioFallsBackToThrottleFiles() throws Exception {
        var b = recorded().getBlkio();
        assertEquals(0, b.getSectorsRecursiveCount());
        List<BlkIOEntry> serviced = b.getIoServicedRecursiveList();
        assertEquals(6, serviced.size()); // Read Write Sync Async Discard Total; the closing "Total N" skipped
        assertEquals(entry("Read", 19), serviced.get(0));
        assertEquals(entry("Total", 359), serviced.get(5));
        assertEquals(entry("Write", 18083840), b.getIoServiceBytesRecursive(1));
    }

    private static BlkIOEntry entry(String op, long v) {
        return BlkIOEntry.newBuilder().setOp(op).setDevice("/dev/vda").setMajor(254).setMinor(0).setValue(v).build();
    }

    @Test
    void anyCarriesTheGoTypeUrlAndPackedPerCpu() throws Exception {
        Any any = Cgroup.forPid(Samples.root("v1-host"), 4242).statsAny();
        assertEquals("io.containerd.cgroups.v1.Metrics", any.getTypeUrl());
        Metrics back = Metrics.parseFrom(any.getValue());
        assertEquals(recorded(), back);
        // CPUUsage.per_cpu (field 4) is one length-delimited packed run: tag 0x22
        byte[] usage = back.getCpu().getUsage().toByteArray();
        String hex = HexFormat.of().formatHex(usage);
        assertTrue(hex.contains("22" + String.format("%02x", perCpuBytes())), hex);
        // Go emits empty cpu.throttling: tag 0x12 length 0 inside cpu
        assertTrue(HexFormat.of().formatHex(back.getCpu().toByteArray()).endsWith("1200"));
    }

    private static int perCpuBytes() {
        return io.rune.shim.api.cgroups.v1.CPUUsage.newBuilder().addPerCpu(230425737L).addPerCpu(40112961L)
                .build().getSerializedSize() - 2;
    }

    @Test
    void missingControllerIsSkipped(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v1-host", tmp);
        Cgroup cg = Cgroup.forPid(root, 4242);
        delete(root.resolve("/sys/fs/cgroup/pids/rec7570"));
        Metrics m = (Metrics) cg.stats();
        assertFalse(m.hasPids());
        assertEquals(8491008, m.getMemory().getUsage().getUsage());
    }

    @Test
    void missingFileEndsThatControllerLikeGo(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v1-host", tmp);
        Path mem = root.resolve("/sys/fs/cgroup/memory/rec7570");
        Files.delete(mem.resolve("memory.memsw.usage_in_bytes")); // no swap accounting
        Metrics m = (Metrics) Cgroup.forPid(root, 4242).stats();
        assertEquals(8491008, m.getMemory().getUsage().getUsage());
        assertTrue(m.getMemory().hasSwap());
        assertEquals(0, m.getMemory().getSwap().getLimit());
        assertEquals(0, m.getMemory().getKernel().getLimit()); // Go stops at the first missing file
        assertEquals(2, m.getPids().getCurrent());
    }

    @Test
    void vanishedCgroupIsNotFound(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v1-host", tmp);
        Cgroup cg = Cgroup.forPid(root, 4242);
        for (String c : List.of("memory", "cpu", "cpuacct", "pids", "blkio")) delete(root.resolve("/sys/fs/cgroup/" + c + "/rec7570"));
        assertFalse(cg.exists());
        assertThrows(CgroupNotFoundException.class, cg::stats);
    }

    @Test
    void unlimitedPidsAndNegativeValues(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v1-host", tmp);
        Files.writeString(root.resolve("/sys/fs/cgroup/pids/rec7570/pids.max"), "max\n");
        Path stat = root.resolve("/sys/fs/cgroup/memory/rec7570/memory.stat");
        Files.writeString(stat, Files.readString(stat).replace("dirty 16384", "dirty -4096"));
        Metrics m = (Metrics) Cgroup.forPid(root, 4242).stats();
        assertEquals(0, m.getPids().getLimit());
        assertEquals(0, m.getMemory().getDirty());
    }

    @Test
    void malformedFileFailsTheCall(@TempDir Path tmp) throws Exception {
        CgroupRoot root = Samples.copy("v1-host", tmp);
        Files.writeString(root.resolve("/sys/fs/cgroup/cpu/rec7570/cpu.stat"), "nr_periods x\n");
        Cgroup cg = Cgroup.forPid(root, 4242);
        var e = assertThrows(java.io.IOException.class, cg::stats);
        assertFalse(e instanceof CgroupNotFoundException);
    }

    @Test
    void hugetlbRdmaAndCfqFromHandWrittenFiles() throws Exception {
        CgroupRoot root = Samples.root("v1-extra");
        Path d = Samples.dir("v1-extra");
        Metrics m = new V1Cgroup(root, Map.of("hugetlb", d.resolve("hugetlb"), "rdma", d.resolve("rdma"),
                "blkio", d.resolve("blkio-cfq"))).stats();
        assertEquals(2, m.getHugetlbCount());
        assertEquals("1GB", m.getHugetlb(0).getPagesize()); // directory order: hugepages-1048576kB first
        assertEquals("2MB", m.getHugetlb(1).getPagesize());
        assertEquals(4194304, m.getHugetlb(1).getUsage());
        assertEquals(6291456, m.getHugetlb(1).getMax());
        assertEquals(3, m.getHugetlb(1).getFailcnt());
        assertEquals("mlx5_0", m.getRdma().getCurrent(0).getDevice());
        assertEquals(1, m.getRdma().getCurrent(0).getHcaHandles());
        assertEquals(12, m.getRdma().getCurrent(0).getHcaObjects());
        assertEquals(0xffffffffL, Integer.toUnsignedLong(m.getRdma().getLimit(0).getHcaHandles()));
        var b = m.getBlkio();
        assertEquals(1, b.getSectorsRecursiveCount());
        assertEquals(BlkIOEntry.newBuilder().setDevice("/dev/sda").setMajor(8).setValue(6144).build(), b.getSectorsRecursive(0));
        assertEquals(5, b.getIoServiceBytesRecursiveCount()); // CFQ files won: no throttle entries added
        assertEquals(1048576, b.getIoServiceBytesRecursive(0).getValue());
        assertEquals(7, b.getIoTimeRecursive(0).getValue());
        assertEquals(5, b.getIoMergedRecursiveCount());
        assertFalse(m.hasMemory());
        assertTrue(m.getCpu().hasUsage()); // always present, as in Go
    }

    @Test
    void hugePageLabels() throws Exception {
        assertEquals("2MB", HugePages.label(HugePages.parseBytes("2048kB")));
        assertEquals("1GB", HugePages.label(HugePages.parseBytes("1048576kB")));
        assertEquals("64KB", HugePages.label(HugePages.parseBytes("64kB")));
        assertEquals("32MB", HugePages.label(HugePages.parseBytes("32768kB")));
        assertArrayEquals(new Object[] {"1GB", "2MB"}, HugePages.sizes(Samples.root("v1-host")).toArray());
    }

    private static String read(String rel) throws Exception {
        return Files.readString(Samples.dir("v1-host").resolve("sys/fs/cgroup/" + rel)).trim();
    }

    private static void delete(Path dir) throws Exception {
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
