package io.rune.shim.cgroups;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading cgroup files with the Go shim's number rules: unsigned 64-bit values (kept in a long,
 * compare with Long.compareUnsigned), and negative numbers (memory.stat can show them briefly)
 * read as 0 rather than failing.
 */
final class CgroupFiles {
    static final long MAX_UINT64 = -1L; // 2^64-1 as an unsigned long
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private CgroupFiles() {}

    /** The file's text; NoSuchFileException when absent (callers treat that as "not there"). */
    static String read(Path file) throws IOException {
        return Files.readString(file);
    }

    /** A single-number file such as memory.usage_in_bytes. */
    static long readUint(Path file) throws IOException {
        return parseUint(read(file).trim(), file);
    }

    static long parseUint(String s, Path file) throws IOException {
        Long v = tryParseUint(s);
        if (v == null) throw new IOException("invalid number \"" + s + "\" in " + file);
        return v;
    }

    /** Unsigned decimal; any negative integer gives 0; anything else null. */
    static Long tryParseUint(String s) {
        if (s.isEmpty()) return null;
        try {
            BigInteger b = new BigInteger(s);
            if (b.signum() < 0) return 0L;
            if (b.compareTo(TWO_64) >= 0 || s.startsWith("+")) return null;
            return b.longValue();
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** "key value" lines (memory.stat, cpu.stat, memory.oom_control); a line of another shape is an error. */
    static Map<String, Long> readKV(Path file) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : read(file).split("\n")) {
            n++;
            if (line.isBlank()) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length != 2) throw new IOException(file + ":" + n + ": invalid format \"" + line + "\"");
            out.put(f[0], parseUint(f[1], file));
        }
        return out;
    }

    /** "key value" lines where a value that is not a number is skipped (v2 files). */
    static Map<String, Long> readKVLenient(Path file) throws IOException {
        Map<String, Long> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : read(file).split("\n")) {
            n++;
            if (line.isBlank()) continue;
            String[] f = line.trim().split("\\s+");
            if (f.length != 2) throw new IOException(file + ":" + n + ": invalid format \"" + line + "\"");
            Long v = tryParseUint(f[1]);
            if (v != null) out.put(f[0], v);
        }
        return out;
    }

    /** A v2 single-value file where "max" means unlimited (2^64-1); absent or unreadable gives 0. */
    static long readUintOrMax(Path file) {
        try {
            String s = read(file).trim();
            if (s.equals("max")) return MAX_UINT64;
            Long v = tryParseUint(s);
            return v == null ? 0 : v;
        } catch (IOException e) {
            return 0;
        }
    }
}
