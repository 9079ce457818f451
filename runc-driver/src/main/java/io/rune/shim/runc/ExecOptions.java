package io.rune.shim.runc;

/** Options of {@code rune exec --detach}: the OCI process JSON file, pid file, optional console socket. */
public record ExecOptions(String processFile, String pidFile, String consoleSocket) {}
