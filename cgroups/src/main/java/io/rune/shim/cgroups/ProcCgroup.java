package io.rune.shim.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A process's /proc/PID/cgroup: "4:memory:/default/c1" per v1 hierarchy (controllers comma-separated,
 * named hierarchies as "name=systemd") and "0::/path" for the unified hierarchy.
 */
record ProcCgroup(Map<String, String> v1Paths, String unifiedPath) {
    static ProcCgroup read(Path file, int pid) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new CgroupNotFoundException("process " + pid + " does not exist: cannot find its cgroup");
        }
        return parse(text);
    }

    static ProcCgroup parse(String text) {
        Map<String, String> v1 = new HashMap<>();
        String unified = null;
        for (String line : text.split("\n")) {
            String[] f = line.split(":", 3);
            if (f.length != 3) continue;
            if (f[0].equals("0") && f[1].isEmpty()) {
                unified = f[2];
            } else {
                for (String ctrl : f[1].split(",")) {
                    if (!ctrl.isEmpty()) v1.put(ctrl, f[2]);
                }
            }
        }
        return new ProcCgroup(Map.copyOf(v1), unified);
    }
}
