package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v1.Metrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The v1 cpu (throttling from cpu.stat) and cpuacct (usage) controllers. */
final class V1Cpu {
    /** The Go shim divides cpuacct.stat ticks by a fixed USER_HZ of 100, as Linux reports them. */
    private static final long CLOCK_TICKS = 100, NANOS_PER_SECOND = 1_000_000_000L;

    private V1Cpu() {}

    static void readThrottling(Path dir, Metrics.Builder m) throws IOException {
        Map<String, Long> raw = CgroupFiles.readKV(dir.resolve("cpu.stat"));
        var t = m.getCpu().getThrottling().toBuilder();
        if (raw.containsKey("nr_periods")) t.setPeriods(raw.get("nr_periods"));
        if (raw.containsKey("nr_throttled")) t.setThrottledPeriods(raw.get("nr_throttled"));
        if (raw.containsKey("throttled_time")) t.setThrottledTime(raw.get("throttled_time"));
        m.setCpu(m.getCpu().toBuilder().setThrottling(t));
    }

    /** All or nothing, like Go: usage is set only when cpuacct.stat, .usage and .usage_percpu all read. */
    static void readUsage(Path dir, Metrics.Builder m) throws IOException {
        Path statFile = dir.resolve("cpuacct.stat");
        Map<String, Long> raw = CgroupFiles.readKV(statFile);
        for (String k : List.of("user", "system")) {
            if (!raw.containsKey(k)) throw new IOException("expected field \"" + k + "\" but not found in " + statFile);
        }
        long total = CgroupFiles.readUint(dir.resolve("cpuacct.usage"));
        Path percpuFile = dir.resolve("cpuacct.usage_percpu");
        List<Long> perCpu = new ArrayList<>();
        for (String f : CgroupFiles.read(percpuFile).trim().split("\\s+")) {
            if (!f.isEmpty()) perCpu.add(CgroupFiles.parseUint(f, percpuFile));
        }
        var usage = m.getCpu().getUsage().toBuilder()
                .setTotal(total)
                .setUser(ticksToNanos(raw.get("user")))
                .setKernel(ticksToNanos(raw.get("system")))
                .clearPerCpu()
                .addAllPerCpu(perCpu);
        m.setCpu(m.getCpu().toBuilder().setUsage(usage));
    }

    /** Unsigned 64-bit arithmetic with Go's wrap-around on overflow. */
    static long ticksToNanos(long ticks) {
        return Long.divideUnsigned(ticks * NANOS_PER_SECOND, CLOCK_TICKS);
    }
}
