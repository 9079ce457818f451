package io.rune.shim.frame;

import java.nio.charset.StandardCharsets;

/**
 * How a command ended: exit status as a shell reports it (128 + signal when killed), its output
 * (empty when its stdio was handed over), and whether it was killed for its timeout.
 */
public record CommandResult(int status, byte[] stdout, byte[] stderr, boolean timedOut) {
    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }
}
