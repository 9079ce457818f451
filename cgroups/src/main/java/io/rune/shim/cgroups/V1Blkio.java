package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v1.BlkIOEntry;
import io.rune.shim.api.cgroups.v1.BlkIOStat;
import io.rune.shim.api.cgroups.v1.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The v1 blkio controller. The CFQ "recursive" files come first when the kernel has them and they
 * have entries; otherwise (this host: mq-deadline/bfq) the throttle files, which count all I/O once
 * any throttle rule exists on the device.
 */
final class V1Blkio {
    private V1Blkio() {}

    /** A blkio file and the field its entries go to. */
    private record Source(String file, BiConsumer<BlkIOStat.Builder, List<BlkIOEntry>> add) {}

    private static final List<Source> CFQ = List.of(
            src("sectors_recursive", BlkIOStat.Builder::addAllSectorsRecursive),
            src("io_service_bytes_recursive", BlkIOStat.Builder::addAllIoServiceBytesRecursive),
            src("io_serviced_recursive", BlkIOStat.Builder::addAllIoServicedRecursive),
            src("io_queued_recursive", BlkIOStat.Builder::addAllIoQueuedRecursive),
            src("io_service_time_recursive", BlkIOStat.Builder::addAllIoServiceTimeRecursive),
            src("io_wait_time_recursive", BlkIOStat.Builder::addAllIoWaitTimeRecursive),
            src("io_merged_recursive", BlkIOStat.Builder::addAllIoMergedRecursive),
            src("time_recursive", BlkIOStat.Builder::addAllIoTimeRecursive));
    private static final List<Source> THROTTLE = List.of(
            src("throttle.io_serviced", BlkIOStat.Builder::addAllIoServicedRecursive),
            src("throttle.io_service_bytes", BlkIOStat.Builder::addAllIoServiceBytesRecursive));

    private static Source src(String name, BiConsumer<BlkIOStat.Builder, List<BlkIOEntry>> add) {
        return new Source("blkio." + name, add);
    }

    static void read(Path dir, CgroupRoot root, Metrics.Builder m) throws IOException {
        BlkIOStat.Builder b = BlkIOStat.newBuilder();
        try {
            boolean cfq = Files.exists(dir.resolve("blkio.io_serviced_recursive"));
            Map<Long, String> devices = devices(root.partitions());
            int size = 0;
            if (cfq) {
                for (Source s : CFQ) {
                    List<BlkIOEntry> entries = entries(dir.resolve(s.file()), devices);
                    s.add().accept(b, entries);
                    size += entries.size();
                }
            }
            if (size > 0) return;
            for (Source s : THROTTLE) s.add().accept(b, entries(dir.resolve(s.file()), devices));
        } finally {
            m.setBlkio(b); // present (maybe empty, or cut short by a missing file) like Go's &BlkIOStat{}
        }
    }

    /**
     * "254:0 Read 16822272" (op), "254:0 1234" (no op) lines; the closing "Total N" line is skipped.
     * Per-device "Total" lines are kept as entries with op "Total", as Go does.
     */
    static List<BlkIOEntry> entries(Path file, Map<Long, String> devices) throws IOException {
        List<BlkIOEntry> out = new ArrayList<>();
        for (String line : CgroupFiles.read(file).split("\n")) {
            String[] f = Arrays.stream(line.split("[ :]")).filter(x -> !x.isEmpty()).toArray(String[]::new);
            if (f.length == 0) continue;
            if (f.length < 3) {
                if (f.length == 2 && f[0].equals("Total")) continue;
                throw new IOException("invalid line found while parsing " + file + ": " + line);
            }
            long major = CgroupFiles.parseUint(f[0], file), minor = CgroupFiles.parseUint(f[1], file);
            String op = f.length == 4 ? f[2] : "";
            long value = CgroupFiles.parseUint(f[f.length == 4 ? 3 : 2], file);
            out.add(BlkIOEntry.newBuilder().setDevice(devices.getOrDefault(key(major, minor), ""))
                    .setMajor(major).setMinor(minor).setOp(op).setValue(value).build());
        }
        return out;
    }

    /** /proc/partitions (two header lines, then "major minor #blocks name") to "/dev/name". */
    static Map<Long, String> devices(Path partitions) throws IOException {
        Map<Long, String> out = new HashMap<>();
        String[] lines = CgroupFiles.read(partitions).split("\n");
        for (int i = 2; i < lines.length; i++) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length < 4) continue;
            try {
                out.putIfAbsent(key(Long.parseLong(f[0]), Long.parseLong(f[1])), "/dev/" + f[3]);
            } catch (NumberFormatException e) {
                throw new IOException("invalid line in " + partitions + ": " + lines[i], e);
            }
        }
        return out;
    }

    private static long key(long major, long minor) {
        return (major << 32) | (minor & 0xffffffffL);
    }
}
