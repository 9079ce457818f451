package io.rune.shim.frame.log;

/** Where finished log lines go; each call gets one whole line, newline included. */
@FunctionalInterface
public interface LineWriter {
    void write(String line);
}
