package io.rune.shim.cgroups;

import io.rune.shim.sys.MountInfo;
import java.io.IOException;
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
        for (MountInfo m : MountInfo.read(mountinfo)) {
            CgroupMount c = of(m);
            if (c != null) out.add(c);
        }
        return out;
    }

    /** One mountinfo line if it is a cgroup or cgroup2 mount, else null. */
    static CgroupMount parse(String line) {
        MountInfo m = MountInfo.parse(line);
        return m == null ? null : of(m);
    }

    private static CgroupMount of(MountInfo m) {
        if (!m.fsType().equals(V1) && !m.fsType().equals(V2)) return null;
        return new CgroupMount(m.root(), m.mountPoint(), m.fsType(), Set.of(m.superOptions().split(",")));
    }

    /** The directory of a cgroup path (as /proc/PID/cgroup shows it) inside this mount. */
    String dirOf(String cgroupPath) {
        String rel = cgroupPath;
        // a mount of a subtree (e.g. inside a cgroup namespace) shows paths relative to its root
        if (!root.equals("/") && (rel.equals(root) || rel.startsWith(root + "/"))) rel = rel.substring(root.length());
        return rel.isEmpty() || rel.equals("/") ? mountPoint : mountPoint + (rel.startsWith("/") ? rel : "/" + rel);
    }
}
