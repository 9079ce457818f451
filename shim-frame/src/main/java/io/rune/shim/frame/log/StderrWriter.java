package io.rune.shim.frame.log;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Lines to whatever System.err is at the time (the daemon points it at the bundle's {@code log}
 * FIFO, which containerd copies into its own log): each line as one write of its bytes, under a
 * lock, so lines from different threads never interleave.
 */
public final class StderrWriter implements LineWriter {
    public static final StderrWriter INSTANCE = new StderrWriter();

    private StderrWriter() {}

    @Override
    public synchronized void write(String line) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        PrintStream err = System.err;
        err.write(bytes, 0, bytes.length);
        err.flush();
    }
}
