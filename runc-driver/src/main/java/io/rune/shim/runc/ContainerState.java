package io.rune.shim.runc;

/** The fields of {@code rune state} the shim uses. */
public record ContainerState(String id, int pid, String status, String bundle) {}
