package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v1.MemoryEntry;
import io.rune.shim.api.cgroups.v1.MemoryOomControl;
import io.rune.shim.api.cgroups.v1.MemoryStat;
import io.rune.shim.api.cgroups.v1.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The v1 memory controller: memory.stat, memory.oom_control and the four usage/limit file families. */
final class V1Memory {
    private V1Memory() {}

    static void read(Path dir, Metrics.Builder m) throws IOException {
        Map<String, Long> raw = CgroupFiles.readKV(dir.resolve("memory.stat"));
        MemoryStat.Builder s = MemoryStat.newBuilder();
        mapStat(raw, s);
        // Go creates the four entries before reading them: they are present even when a file is missing
        MemoryEntry.Builder usage = MemoryEntry.newBuilder(), swap = MemoryEntry.newBuilder(),
                kernel = MemoryEntry.newBuilder(), kernelTcp = MemoryEntry.newBuilder();
        try {
            Map<String, Long> oom = CgroupFiles.readKV(dir.resolve("memory.oom_control"));
            m.setMemoryOomControl(MemoryOomControl.newBuilder()
                    .setOomKillDisable(oom.getOrDefault("oom_kill_disable", 0L))
                    .setUnderOom(oom.getOrDefault("under_oom", 0L))
                    .setOomKill(oom.getOrDefault("oom_kill", 0L)));

            // Go's order; a missing file (e.g. memsw without swap accounting) ends the memory reading here
            entry(dir, "memory.", usage);
            entry(dir, "memory.memsw.", swap);
            entry(dir, "memory.kmem.", kernel);
            entry(dir, "memory.kmem.tcp.", kernelTcp);
        } finally {
            // what was read until then is kept, as Go keeps it (the caller skips a missing file)
            m.setMemory(s.setUsage(usage).setSwap(swap).setKernel(kernel).setKernelTcp(kernelTcp));
        }
    }

    private static void entry(Path dir, String prefix, MemoryEntry.Builder e) throws IOException {
        e.setUsage(CgroupFiles.readUint(dir.resolve(prefix + "usage_in_bytes")));
        e.setMax(CgroupFiles.readUint(dir.resolve(prefix + "max_usage_in_bytes")));
        e.setFailcnt(CgroupFiles.readUint(dir.resolve(prefix + "failcnt")));
        e.setLimit(CgroupFiles.readUint(dir.resolve(prefix + "limit_in_bytes")));
    }

    /** memory.stat keys to fields: "pgpgin" → pg_pg_in, "hierarchical_memsw_limit" → hierarchical_swap_limit. */
    static void mapStat(Map<String, Long> r, MemoryStat.Builder s) {
        s.setCache(v(r, "cache")).setRss(v(r, "rss")).setRssHuge(v(r, "rss_huge"))
                .setMappedFile(v(r, "mapped_file")).setDirty(v(r, "dirty")).setWriteback(v(r, "writeback"))
                .setPgPgIn(v(r, "pgpgin")).setPgPgOut(v(r, "pgpgout"))
                .setPgFault(v(r, "pgfault")).setPgMajFault(v(r, "pgmajfault"))
                .setInactiveAnon(v(r, "inactive_anon")).setActiveAnon(v(r, "active_anon"))
                .setInactiveFile(v(r, "inactive_file")).setActiveFile(v(r, "active_file"))
                .setUnevictable(v(r, "unevictable"))
                .setHierarchicalMemoryLimit(v(r, "hierarchical_memory_limit"))
                .setHierarchicalSwapLimit(v(r, "hierarchical_memsw_limit"))
                .setTotalCache(v(r, "total_cache")).setTotalRss(v(r, "total_rss")).setTotalRssHuge(v(r, "total_rss_huge"))
                .setTotalMappedFile(v(r, "total_mapped_file")).setTotalDirty(v(r, "total_dirty"))
                .setTotalWriteback(v(r, "total_writeback"))
                .setTotalPgPgIn(v(r, "total_pgpgin")).setTotalPgPgOut(v(r, "total_pgpgout"))
                .setTotalPgFault(v(r, "total_pgfault")).setTotalPgMajFault(v(r, "total_pgmajfault"))
                .setTotalInactiveAnon(v(r, "total_inactive_anon")).setTotalActiveAnon(v(r, "total_active_anon"))
                .setTotalInactiveFile(v(r, "total_inactive_file")).setTotalActiveFile(v(r, "total_active_file"))
                .setTotalUnevictable(v(r, "total_unevictable"));
    }

    private static long v(Map<String, Long> r, String key) {
        return r.getOrDefault(key, 0L);
    }
}
