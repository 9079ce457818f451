package io.rune.shim.cgroups;

import java.nio.file.Path;

/**
 * Where the host's absolute paths (/proc, /sys) are found. The host uses "/"; tests point it at a
 * directory of recorded files laid out like the real tree.
 */
public record CgroupRoot(Path fsRoot) {
    public static CgroupRoot host() {
        return new CgroupRoot(Path.of("/"));
    }

    /** The file for an absolute host path such as "/proc/self/mountinfo". */
    public Path resolve(String absolute) {
        String rel = absolute;
        while (rel.startsWith("/")) rel = rel.substring(1);
        return rel.isEmpty() ? fsRoot : fsRoot.resolve(rel);
    }

    Path procCgroup(int pid) { return resolve("/proc/" + pid + "/cgroup"); }
    Path mountinfo() { return resolve("/proc/self/mountinfo"); }
    Path partitions() { return resolve("/proc/partitions"); }
    Path hugepages() { return resolve("/sys/kernel/mm/hugepages"); }
}
