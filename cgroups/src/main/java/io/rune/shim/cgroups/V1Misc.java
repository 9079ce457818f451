package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v1.HugetlbStat;
import io.rune.shim.api.cgroups.v1.Metrics;
import io.rune.shim.api.cgroups.v1.PidsStat;
import io.rune.shim.api.cgroups.v1.RdmaEntry;
import io.rune.shim.api.cgroups.v1.RdmaStat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** The small v1 controllers: pids, hugetlb, rdma. */
final class V1Misc {
    private V1Misc() {}

    /** pids.current and pids.max; an unlimited "max" is reported as 0 on v1 (Go's choice). */
    static void readPids(Path dir, Metrics.Builder m) throws IOException {
        long current = CgroupFiles.readUint(dir.resolve("pids.current"));
        Path maxFile = dir.resolve("pids.max");
        String max = CgroupFiles.read(maxFile).trim();
        long limit = max.equals("max") ? 0 : CgroupFiles.parseUint(max, maxFile);
        m.setPids(PidsStat.newBuilder().setCurrent(current).setLimit(limit));
    }

    /** One entry per huge page size of the host, named like the files: hugetlb.2MB.usage_in_bytes. */
    static void readHugetlb(Path dir, CgroupRoot root, Metrics.Builder m) throws IOException {
        for (String size : HugePages.sizes(root)) {
            String p = "hugetlb." + size + ".";
            // added only when all three files read, like Go
            m.addHugetlb(HugetlbStat.newBuilder().setPagesize(size)
                    .setUsage(CgroupFiles.readUint(dir.resolve(p + "usage_in_bytes")))
                    .setMax(CgroupFiles.readUint(dir.resolve(p + "max_usage_in_bytes")))
                    .setFailcnt(CgroupFiles.readUint(dir.resolve(p + "failcnt"))));
        }
    }

    /** rdma.current and rdma.max; nothing when their line counts differ (a device went away between reads). */
    static void readRdma(Path dir, Metrics.Builder m) throws IOException {
        String current = CgroupFiles.read(dir.resolve("rdma.current"));
        String max = CgroupFiles.read(dir.resolve("rdma.max"));
        if (current.split("\n", -1).length != max.split("\n", -1).length) return;
        m.setRdma(RdmaStat.newBuilder().addAllCurrent(v1(RdmaLine.parse(current))).addAllLimit(v1(RdmaLine.parse(max))));
    }

    private static List<RdmaEntry> v1(List<RdmaLine> lines) {
        return lines.stream().map(l -> RdmaEntry.newBuilder().setDevice(l.device())
                .setHcaHandles(l.hcaHandles()).setHcaObjects(l.hcaObjects()).build()).toList();
    }
}
