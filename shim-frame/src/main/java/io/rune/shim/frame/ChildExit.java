package io.rune.shim.frame;

import java.time.Instant;

/** A reaped process: pid, exit status as a shell reports it (128 + signal when killed), when it was reaped. */
public record ChildExit(int pid, int status, Instant exitedAt) {}
