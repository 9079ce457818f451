package io.rune.shim.reaper;

import java.time.Instant;

/** A reaped process: pid, exit status (128 + signal when killed) and when we reaped it. */
public record Exit(int pid, int status, Instant exitedAt) {}
