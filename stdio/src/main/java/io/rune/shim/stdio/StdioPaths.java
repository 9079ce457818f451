package io.rune.shim.stdio;

/** The stdio strings of a Create or Exec request, kept as given (State reports them back). */
public record StdioPaths(String stdin, String stdout, String stderr, boolean terminal) {
    public boolean isNull() {
        return stdin.isEmpty() && stdout.isEmpty() && stderr.isEmpty();
    }
}
