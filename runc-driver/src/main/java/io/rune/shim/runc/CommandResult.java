package io.rune.shim.runc;

import java.nio.charset.StandardCharsets;

/** Exit status and captured output of one rune invocation (output is empty when stdio was given away). */
public record CommandResult(int status, byte[] stdout, byte[] stderr) {
    public String combinedOutput() {
        return (new String(stdout, StandardCharsets.UTF_8) + new String(stderr, StandardCharsets.UTF_8)).trim();
    }
}
