package io.rune.shim.runc;

/** Options of {@code rune create}. consoleSocket is null for a non-terminal process. */
public record CreateOptions(String bundle, String pidFile, String consoleSocket, boolean noPivot, boolean noNewKeyring) {}
