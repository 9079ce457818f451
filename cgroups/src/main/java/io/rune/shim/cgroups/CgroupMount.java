package io.rune.shim.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One cgroup or cgroup2 line of /proc/self/mountinfo: the hierarchy's subtree shown (root), where it
 * is mounted, and its super options (for v1 they name the controllers: "rw,cpu,cpuacct").
 */
record CgroupMount(String root, String mountPoint, String fsType, Set<String> options) {
    static final String V1 = "cgroup", V2 = "cgroup2";

    /** The cgroup and cgroup2 mounts, in mount order. */
    static List<CgroupMount> read(Path mountinfo) throws IOException {
        List<CgroupMount> out = new ArrayList<>();
        for (String line : Files.readAllLines(mountinfo)) {
            CgroupMount m = parse(line);
            if (m != null) out.add(m);
        }
        return out;
    }

    /**
     * "36 25 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory": the optional
     * fields before " - " vary in number, so the fs type is found after the separator.
     */
    static CgroupMount parse(String line) {
        String[] f = line.trim().split(" +");
        int sep = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) { sep = i; break; }
        }
        if (sep < 0 || sep + 3 >= f.length) return null;
        String type = f[sep + 1];
        if (!type.equals(V1) && !type.equals(V2)) return null;
        return new CgroupMount(unescape(f[3]), unescape(f[4]), type, Set.of(f[sep + 3].split(",")));
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo octal. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 4 <= s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** The directory of a cgroup path (as /proc/PID/cgroup shows it) inside this mount. */
    String dirOf(String cgroupPath) {
        String rel = cgroupPath;
        // a mount of a subtree (e.g. inside a cgroup namespace) shows paths relative to its root
        if (!root.equals("/") && (rel.equals(root) || rel.startsWith(root + "/"))) rel = rel.substring(root.length());
        return rel.isEmpty() || rel.equals("/") ? mountPoint : mountPoint + (rel.startsWith("/") ? rel : "/" + rel);
    }
}
