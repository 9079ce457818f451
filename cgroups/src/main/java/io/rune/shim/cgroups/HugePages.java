package io.rune.shim.cgroups;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The host's huge page sizes as cgroup file names spell them: "hugepages-2048kB" → "2MB". */
final class HugePages {
    private static final String[] UNITS = {"B", "KB", "MB", "GB", "TB", "PB"};

    private HugePages() {}

    /** Sorted by directory name, as Go's ReadDir returns them ("1GB" before "2MB"). */
    static List<String> sizes(CgroupRoot root) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<java.nio.file.Path> s = Files.list(root.hugepages())) {
            for (String name : s.map(p -> p.getFileName().toString()).sorted().toList()) {
                int dash = name.indexOf('-');
                if (dash < 0) continue;
                out.add(label(parseBytes(name.substring(dash + 1))));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return out;
    }

    /** "2048kB" → 2097152 (binary multiples, as the kernel means them). */
    static long parseBytes(String s) throws IOException {
        int i = 0;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        if (i == 0) throw new IOException("invalid huge page size " + s);
        long n = Long.parseLong(s.substring(0, i));
        return switch (s.substring(i).toLowerCase()) {
            case "", "b" -> n;
            case "k", "kb" -> n << 10;
            case "m", "mb" -> n << 20;
            case "g", "gb" -> n << 30;
            default -> throw new IOException("invalid huge page size " + s);
        };
    }

    /** Divide by 1024 while it stays ≥ 1024; print the shortest decimal ("2MB", "1GB", "64KB"). */
    static String label(long bytes) {
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        return new BigDecimal(Double.toString(v)).stripTrailingZeros().toPlainString() + UNITS[u];
    }
}
