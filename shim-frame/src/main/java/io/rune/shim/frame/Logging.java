package io.rune.shim.frame;

import io.rune.shim.frame.log.LogSettings;
import io.rune.shim.frame.log.LogfmtLine;
import io.rune.shim.frame.log.StderrWriter;
import org.slf4j.event.Level;

/**
 * Daemon logging, through the shim's own SLF4J provider (package {@code log}): one line per event
 * in containerd's logfmt style, to stderr (the `log` FIFO). Level info, debug with -debug. Until
 * this is called nothing is written.
 */
public final class Logging {
    private Logging() {}

    public static void configure(boolean debug, String namespace, String runtime) {
        LogSettings.set(debug ? Level.DEBUG : Level.INFO, new LogfmtLine(namespace, runtime), StderrWriter.INSTANCE);
    }
}
