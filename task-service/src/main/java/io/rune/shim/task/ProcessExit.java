package io.rune.shim.task;

import java.time.Instant;

/** A reaped process: its pid, exit status (128 + signal when killed) and when it was reaped. */
public record ProcessExit(int pid, int status, Instant exitedAt) {}
