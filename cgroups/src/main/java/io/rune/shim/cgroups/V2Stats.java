package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v2.CPUStat;
import io.rune.shim.api.cgroups.v2.IOStat;
import io.rune.shim.api.cgroups.v2.MemoryEvents;
import io.rune.shim.api.cgroups.v2.MemoryStat;
import io.rune.shim.api.cgroups.v2.Metrics;
import io.rune.shim.api.cgroups.v2.PidsStat;
import io.rune.shim.api.cgroups.v2.RdmaStat;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * v2 metrics as the Go shim fills them: cpu.stat and memory.stat only for controllers listed in
 * cgroup.controllers; pids, cpu, memory, io and rdma always present (zeros when unreadable);
 * memory_events only when memory.events has entries. containerd 2.0's additions (memory.peak,
 * memory.swap.peak, pressure files) are filled when the kernel offers them.
 */
final class V2Stats {
    private V2Stats() {}

    static Metrics read(Path dir, List<String> controllers) throws IOException {
        Map<String, Long> out = new HashMap<>();
        for (String c : List.of("cpu", "memory")) {
            if (!controllers.contains(c)) continue;
            try {
                out.putAll(CgroupFiles.readKVLenient(dir.resolve(c + ".stat")));
            } catch (NoSuchFileException e) {
                // controller listed but file missing: nothing to add
            }
        }
        Map<String, Long> events = Map.of();
        try {
            events = CgroupFiles.readKVLenient(dir.resolve("memory.events"));
        } catch (NoSuchFileException e) {
            // no memory controller
        }

        Metrics.Builder m = Metrics.newBuilder();
        m.setPids(PidsStat.newBuilder()
                .setCurrent(CgroupFiles.readUintOrMax(dir.resolve("pids.current")))
                .setLimit(CgroupFiles.readUintOrMax(dir.resolve("pids.max"))));
        CPUStat.Builder cpu = CPUStat.newBuilder()
                .setUsageUsec(v(out, "usage_usec")).setUserUsec(v(out, "user_usec"))
                .setSystemUsec(v(out, "system_usec")).setNrPeriods(v(out, "nr_periods"))
                .setNrThrottled(v(out, "nr_throttled")).setThrottledUsec(v(out, "throttled_usec"));
        V2Files.psi(dir.resolve("cpu.pressure")).ifPresent(cpu::setPsi);
        m.setCpu(cpu);
        MemoryStat.Builder memory = MemoryStat.newBuilder();
        memory(dir, out, memory);
        m.setMemory(memory);
        if (!events.isEmpty()) {
            m.setMemoryEvents(MemoryEvents.newBuilder().setLow(v(events, "low")).setHigh(v(events, "high"))
                    .setMax(v(events, "max")).setOom(v(events, "oom")).setOomKill(v(events, "oom_kill")));
        }
        IOStat.Builder io = IOStat.newBuilder().addAllUsage(V2Files.io(dir.resolve("io.stat")));
        V2Files.psi(dir.resolve("io.pressure")).ifPresent(io::setPsi);
        m.setIo(io);
        m.setRdma(RdmaStat.newBuilder()
                .addAllCurrent(V2Files.rdma(dir.resolve("rdma.current")))
                .addAllLimit(V2Files.rdma(dir.resolve("rdma.max"))));
        m.addAllHugetlb(V2Files.hugetlb(dir));
        return m.build();
    }

    private static void memory(Path dir, Map<String, Long> r, MemoryStat.Builder s) {
        s.setAnon(v(r, "anon")).setFile(v(r, "file")).setKernelStack(v(r, "kernel_stack"))
                .setSlab(v(r, "slab")).setSock(v(r, "sock")).setShmem(v(r, "shmem"))
                .setFileMapped(v(r, "file_mapped")).setFileDirty(v(r, "file_dirty"))
                .setFileWriteback(v(r, "file_writeback")).setAnonThp(v(r, "anon_thp"))
                .setInactiveAnon(v(r, "inactive_anon")).setActiveAnon(v(r, "active_anon"))
                .setInactiveFile(v(r, "inactive_file")).setActiveFile(v(r, "active_file"))
                .setUnevictable(v(r, "unevictable"))
                .setSlabReclaimable(v(r, "slab_reclaimable")).setSlabUnreclaimable(v(r, "slab_unreclaimable"))
                .setPgfault(v(r, "pgfault")).setPgmajfault(v(r, "pgmajfault"))
                // newer kernels split these into _anon/_file; Go reads the old names, so they stay 0 there
                .setWorkingsetRefault(v(r, "workingset_refault")).setWorkingsetActivate(v(r, "workingset_activate"))
                .setWorkingsetNodereclaim(v(r, "workingset_nodereclaim"))
                .setPgrefill(v(r, "pgrefill")).setPgscan(v(r, "pgscan")).setPgsteal(v(r, "pgsteal"))
                .setPgactivate(v(r, "pgactivate")).setPgdeactivate(v(r, "pgdeactivate"))
                .setPglazyfree(v(r, "pglazyfree")).setPglazyfreed(v(r, "pglazyfreed"))
                .setThpFaultAlloc(v(r, "thp_fault_alloc")).setThpCollapseAlloc(v(r, "thp_collapse_alloc"))
                .setUsage(CgroupFiles.readUintOrMax(dir.resolve("memory.current")))
                .setUsageLimit(CgroupFiles.readUintOrMax(dir.resolve("memory.max")))
                .setSwapUsage(CgroupFiles.readUintOrMax(dir.resolve("memory.swap.current")))
                .setSwapLimit(CgroupFiles.readUintOrMax(dir.resolve("memory.swap.max")))
                .setMaxUsage(CgroupFiles.readUintOrMax(dir.resolve("memory.peak")))
                .setSwapMaxUsage(CgroupFiles.readUintOrMax(dir.resolve("memory.swap.peak")));
        V2Files.psi(dir.resolve("memory.pressure")).ifPresent(s::setPsi);
    }

    private static long v(Map<String, Long> r, String key) {
        return r.getOrDefault(key, 0L);
    }
}
