package io.rune.shim.stdio;

/** What stdio set-up needs beyond the paths: who the container is, and how to start logger helpers. */
public record IoContext(String namespace, String containerId, HelperLauncher launcher, int ioUid, int ioGid) {}
