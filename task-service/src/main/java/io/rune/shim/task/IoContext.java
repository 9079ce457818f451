package io.rune.shim.task;

import io.rune.shim.reaper.Reaper;

/** What stdio set-up needs beyond the paths: who the container is, and the reaper to start loggers. */
record IoContext(String namespace, String containerId, Reaper reaper, int ioUid, int ioGid) {}
