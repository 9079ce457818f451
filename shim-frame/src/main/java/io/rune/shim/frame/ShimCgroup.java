package io.rune.shim.frame;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Places the daemon into the runtime option ShimCgroup (a cgroup path relative to the
 * hierarchy roots), as the Go shim does at start: on cgroup v2 the unified hierarchy, on v1
 * every mounted hierarchy, all of which must have that cgroup.
 */
final class ShimCgroup {
    private static final Path ROOT = Path.of("/sys/fs/cgroup");

    private ShimCgroup() {}

    static void join(String cgroup, int pid) throws IOException {
        String rel = cgroup.startsWith("/") ? cgroup.substring(1) : cgroup;
        if (Files.exists(ROOT.resolve("cgroup.controllers"))) {
            write(ROOT.resolve(rel), pid);
            return;
        }
        try (DirectoryStream<Path> hierarchies = Files.newDirectoryStream(ROOT)) {
            for (Path h : hierarchies) {
                if (!Files.isDirectory(h) || Files.isSymbolicLink(h) || h.getFileName().toString().equals("unified")) continue;
                write(h.resolve(rel), pid);
            }
        }
    }

    private static void write(Path dir, int pid) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("failed to join cgroup: " + dir + " does not exist");
        if (Files.exists(dir.resolve("cpuset.cpus"))) inheritCpuset(dir);
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Integer.toString(pid));
        } catch (IOException e) {
            throw new IOException("failed to join cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    /** A v1 cpuset cgroup made by hand has no cpus/mems and refuses tasks (ENOSPC): fill them from the parent. */
    private static void inheritCpuset(Path dir) throws IOException {
        for (String f : new String[] {"cpuset.cpus", "cpuset.mems"}) {
            if (Files.readString(dir.resolve(f)).isBlank()) {
                Path parent = dir.getParent();
                if (Files.readString(parent.resolve(f)).isBlank()) inheritCpuset(parent);
                Files.writeString(dir.resolve(f), Files.readString(parent.resolve(f)).trim());
            }
        }
    }
}
