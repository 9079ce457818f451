package io.rune.shim.frame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The daemon is a little more likely to be OOM-killed than containerd, never less (as the Go shim). */
final class OomScore {
    private OomScore() {}

    static void inheritPlusOne(int daemonPid) {
        try {
            long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
            int score = Integer.parseInt(Files.readString(Path.of("/proc/" + parent + "/oom_score_adj")).trim());
            int adj = Math.max(-1000, Math.min(1000, score + 1));
            Files.writeString(Path.of("/proc/" + daemonPid + "/oom_score_adj"), Integer.toString(adj));
        } catch (IOException | NumberFormatException e) {
            // EPERM when not root or in a user namespace: the Go shim ignores it too
        }
    }
}
