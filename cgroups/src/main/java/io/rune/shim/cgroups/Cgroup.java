package io.rune.shim.cgroups;

import com.google.protobuf.Any;
import com.google.protobuf.MessageLite;
import io.rune.shim.api.Anys;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A container's cgroup, found once from its init pid (at Start, like the Go shim) and read on every
 * Stats call, also after the process exited (runc removes the cgroup only at delete).
 */
public sealed interface Cgroup permits V1Cgroup, V2Cgroup {
    /** The v1 controllers whose statistics the Go shim reports; others (devices, freezer, ...) are skipped. */
    List<String> V1_CONTROLLERS = List.of("memory", "cpu", "cpuacct", "pids", "blkio", "hugetlb", "rdma");

    /** The cgroup of a live process on this host. */
    static Cgroup forPid(int pid) throws IOException {
        return forPid(CgroupRoot.host(), pid);
    }

    /**
     * The cgroup of a process. Unified (v2) only when /sys/fs/cgroup itself is a cgroup2 mount; a
     * hybrid host's cgroup2 at /sys/fs/cgroup/unified does not count (the Go shim uses v1 there).
     *
     * @throws CgroupNotFoundException the process or its cgroup directories are gone
     */
    static Cgroup forPid(CgroupRoot root, int pid) throws IOException {
        List<CgroupMount> mounts = CgroupMount.read(root.mountinfo());
        ProcCgroup proc = ProcCgroup.read(root.procCgroup(pid), pid);
        CgroupMount top = null;
        for (CgroupMount m : mounts) {
            if (m.mountPoint().equals("/sys/fs/cgroup")) top = m; // a later mount hides an earlier one
        }
        if (top != null && top.fsType().equals(CgroupMount.V2)) {
            if (proc.unifiedPath() == null) throw new CgroupNotFoundException("process " + pid + " has no cgroup v2 path");
            Path dir = root.resolve(top.dirOf(proc.unifiedPath()));
            if (!Files.isDirectory(dir)) throw new CgroupNotFoundException("cgroup " + dir + " does not exist");
            return new V2Cgroup(root, root.resolve(top.mountPoint()), dir);
        }
        Map<String, Path> dirs = new LinkedHashMap<>();
        for (String ctrl : V1_CONTROLLERS) {
            String path = proc.v1Paths().get(ctrl);
            if (path == null) continue; // controller not mounted or not active for this process
            for (CgroupMount m : mounts) {
                if (m.fsType().equals(CgroupMount.V1) && m.options().contains(ctrl)) {
                    Path dir = root.resolve(m.dirOf(path));
                    if (Files.isDirectory(dir)) dirs.put(ctrl, dir);
                    break;
                }
            }
        }
        if (dirs.isEmpty()) throw new CgroupNotFoundException("no cgroup v1 directory of process " + pid + " exists");
        return new V1Cgroup(root, dirs);
    }

    /**
     * The metrics message (v1 or v2 {@code Metrics}) filled as the Go shim fills it. Controllers that
     * are missing are left out.
     *
     * @throws CgroupNotFoundException the cgroup was removed
     * @throws IOException a file could not be read or parsed
     */
    MessageLite stats() throws IOException;

    /** {@link #stats()} packed for StatsResponse.stats, under Go's type URL ("io.containerd.cgroups.v1.Metrics"). */
    default Any statsAny() throws IOException {
        return Anys.pack(stats());
    }

    /** Whether the cgroup directory (v1: any controller's) still exists. */
    boolean exists();
}
