package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v2.HugeTlbStat;
import io.rune.shim.api.cgroups.v2.IOEntry;
import io.rune.shim.api.cgroups.v2.PSIData;
import io.rune.shim.api.cgroups.v2.PSIStats;
import io.rune.shim.api.cgroups.v2.RdmaEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Parsers of the v2 files with several values per line: io.stat, rdma.*, hugetlb.*, *.pressure. */
final class V2Files {
    private V2Files() {}

    /** "254:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0"; unknown keys ignored; absent file → none. */
    static List<IOEntry> io(Path file) {
        List<IOEntry> out = new ArrayList<>();
        String text;
        try {
            text = CgroupFiles.read(file);
        } catch (IOException e) {
            return out;
        }
        for (String line : text.split("\n")) {
            String[] parts = line.split(" ");
            if (parts.length < 2) continue;
            String[] mm = parts[0].split(":");
            if (mm.length != 2) continue;
            Long major = CgroupFiles.tryParseUint(mm[0]), minor = CgroupFiles.tryParseUint(mm[1]);
            if (major == null || minor == null) return out; // Go stops at a malformed device number
            IOEntry.Builder e = IOEntry.newBuilder().setMajor(major).setMinor(minor);
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].split("=");
                if (kv.length != 2) continue;
                Long v = CgroupFiles.tryParseUint(kv[1]);
                if (v == null) continue;
                switch (kv[0]) {
                    case "rbytes" -> e.setRbytes(v);
                    case "wbytes" -> e.setWbytes(v);
                    case "rios" -> e.setRios(v);
                    case "wios" -> e.setWios(v);
                    default -> { }
                }
            }
            out.add(e.build());
        }
        return out;
    }

    static List<RdmaEntry> rdma(Path file) {
        try {
            return RdmaLine.parse(CgroupFiles.read(file)).stream().map(l -> RdmaEntry.newBuilder()
                    .setDevice(l.device()).setHcaHandles(l.hcaHandles()).setHcaObjects(l.hcaObjects()).build()).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * hugetlb.&lt;size&gt;.current / .max per page size (sorted by page size in bytes; Go's order is
     * a map's, i.e. random). "max" is 2^64-1.
     */
    static List<HugeTlbStat> hugetlb(Path dir) throws IOException {
        Map<Long, HugeTlbStat.Builder> bySize = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String[] name = f.getFileName().toString().split("\\.");
                if (name.length != 3 || !name[0].equals("hugetlb")) continue;
                if (!name[2].equals("current") && !name[2].equals("max")) continue;
                String s;
                try {
                    s = CgroupFiles.read(f).trim();
                } catch (IOException e) {
                    continue;
                }
                Long v = s.equals("max") ? Long.valueOf(CgroupFiles.MAX_UINT64) : CgroupFiles.tryParseUint(s);
                if (v == null) continue;
                long key;
                try {
                    key = HugePages.parseBytes(name[1]);
                } catch (IOException e) {
                    continue;
                }
                HugeTlbStat.Builder b = bySize.computeIfAbsent(key, k -> HugeTlbStat.newBuilder().setPagesize(name[1]));
                if (name[2].equals("max")) b.setMax(v); else b.setCurrent(v);
            }
        }
        return bySize.values().stream().map(HugeTlbStat.Builder::build).toList();
    }

    /** "some avg10=0.00 avg60=0.00 avg300=0.00 total=15408" and the "full" line; absent file → empty. */
    static Optional<PSIStats> psi(Path file) {
        String text;
        try {
            text = CgroupFiles.read(file);
        } catch (IOException e) {
            return Optional.empty();
        }
        PSIStats.Builder p = PSIStats.newBuilder();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 0 || !(f[0].equals("some") || f[0].equals("full"))) continue;
            PSIData.Builder d = PSIData.newBuilder();
            for (int i = 1; i < f.length; i++) {
                int eq = f[i].indexOf('=');
                if (eq < 0) continue;
                String k = f[i].substring(0, eq), v = f[i].substring(eq + 1);
                try {
                    switch (k) {
                        case "avg10" -> d.setAvg10(Double.parseDouble(v));
                        case "avg60" -> d.setAvg60(Double.parseDouble(v));
                        case "avg300" -> d.setAvg300(Double.parseDouble(v));
                        case "total" -> d.setTotal(Long.parseUnsignedLong(v));
                        default -> { }
                    }
                } catch (NumberFormatException e) {
                    // Go logs and keeps the other values
                }
            }
            if (f[0].equals("some")) p.setSome(d); else p.setFull(d);
        }
        return Optional.of(p.build());
    }
}
