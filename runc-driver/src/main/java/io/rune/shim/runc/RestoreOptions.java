package io.rune.shim.runc;

/** Options of {@code rune restore --detach}: a container created from a CRIU image instead of a fresh process. */
public record RestoreOptions(String bundle, String imagePath, String workPath, String parentPath, String pidFile,
                             String consoleSocket, boolean noPivot) {}
