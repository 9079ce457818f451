package io.rune.shim.runc;

import java.util.List;

/** Options of {@code rune checkpoint}; leaveRunning unless the caller asked the task to exit. */
public record CheckpointOptions(String imagePath, String workPath, String parentPath, boolean leaveRunning,
                                boolean tcpEstablished, boolean externalUnixSockets, boolean shellJob,
                                boolean fileLocks, List<String> emptyNamespaces) {
    public CheckpointOptions {
        emptyNamespaces = List.copyOf(emptyNamespaces);
    }
}
