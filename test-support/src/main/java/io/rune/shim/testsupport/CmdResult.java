package io.rune.shim.testsupport;

import java.util.List;

/** Outcome of one external command: exit code (-1 when it timed out), captured stdout/stderr. */
public record CmdResult(List<String> argv, int exitCode, String stdout, String stderr, boolean timedOut) {

    public boolean ok() {
        return exitCode == 0 && !timedOut;
    }

    /** Short description for assertion messages. */
    public String describe() {
        return String.join(" ", argv) + " -> " + (timedOut ? "TIMEOUT" : "exit " + exitCode)
                + (stdout.isBlank() ? "" : "\n  stdout: " + stdout.strip())
                + (stderr.isBlank() ? "" : "\n  stderr: " + stderr.strip());
    }

    @Override
    public String toString() {
        return describe();
    }
}
