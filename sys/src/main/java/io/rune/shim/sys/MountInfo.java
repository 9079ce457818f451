package io.rune.shim.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lines of /proc/PID/mountinfo, the one parser of them in the shim:
 * "36 25 0:32 / /sys/fs/cgroup/memory rw,relatime shared:9 - cgroup cgroup rw,memory". The optional
 * fields before " - " vary in number, so the fs type is found after the separator; paths are
 * unescaped (the kernel writes space, tab, newline and backslash as \ooo).
 */
public record MountInfo(String root, String mountPoint, String fsType, String source, String superOptions) {
    public static final Path SELF = Path.of("/proc/self/mountinfo");

    /** The entries of a mountinfo file, in mount order; malformed lines are skipped. */
    public static List<MountInfo> read(Path mountinfo) throws IOException {
        List<MountInfo> out = new ArrayList<>();
        for (String line : Files.readAllLines(mountinfo)) {
            MountInfo m = parse(line);
            if (m != null) out.add(m);
        }
        return out;
    }

    /** One line, or null when it is not a mountinfo line. */
    public static MountInfo parse(String line) {
        String[] f = line.trim().split(" +");
        int sep = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                sep = i;
                break;
            }
        }
        if (sep < 0 || sep + 3 >= f.length) return null;
        return new MountInfo(unescape(f[3]), unescape(f[4]), f[sep + 1], unescape(f[sep + 2]), f[sep + 3]);
    }

    /** Whether anything is mounted on the path in this process's mount namespace; true when unsure. */
    public static boolean isMountPoint(Path path) {
        String target = path.toString();
        try {
            for (MountInfo m : read(SELF)) if (m.mountPoint().equals(target)) return true;
            return false;
        } catch (IOException e) {
            return true; // cannot tell: the caller tries to unmount
        }
    }

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
}
