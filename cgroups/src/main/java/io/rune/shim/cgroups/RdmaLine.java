package io.rune.shim.cgroups;

import java.util.ArrayList;
import java.util.List;

/** One line of rdma.current / rdma.max: "mlx5_0 hca_handle=2 hca_object=2000" ("max" = 2^32-1). */
record RdmaLine(String device, int hcaHandles, int hcaObjects) {
    static List<RdmaLine> parse(String text) {
        List<RdmaLine> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length != 3) continue; // Go skips lines of any other shape
            int[] hv = new int[2];
            for (int i = 1; i <= 2; i++) {
                String[] kv = f[i].split("=");
                if (kv.length != 2) continue;
                Integer v = value(kv[1]);
                if (v == null) continue;
                if (kv[0].equals("hca_handle")) hv[0] = v;
                else if (kv[0].equals("hca_object")) hv[1] = v;
            }
            out.add(new RdmaLine(f[0], hv[0], hv[1]));
        }
        return out;
    }

    /** An unsigned 32-bit value as an int (uint32 field), "max" = 0xffffffff; null when unparsable. */
    private static Integer value(String s) {
        if (s.equals("max")) return -1;
        Long v = CgroupFiles.tryParseUint(s);
        if (v == null || Long.compareUnsigned(v, 0xffffffffL) > 0) return null;
        return (int) (long) v;
    }
}
