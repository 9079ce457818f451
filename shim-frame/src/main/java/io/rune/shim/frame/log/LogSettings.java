package io.rune.shim.frame.log;

import org.slf4j.event.Level;

/**
 * The one switch every logger reads: the lowest level written, the line format and the writer.
 * Until set, nothing is enabled: start and delete must print nothing but their answer (containerd
 * reads start's stdout and stderr as the address), so only the daemon turns logging on.
 */
public final class LogSettings {
    /** Above every level: nothing is written. */
    private static final int OFF = Integer.MAX_VALUE;

    private record Active(int threshold, LogfmtLine format, LineWriter out) {}

    private static volatile Active active = new Active(OFF, null, null);

    private LogSettings() {}

    /** From now on, events at {@code lowest} or above go to {@code out} as lines of {@code format}. */
    public static void set(Level lowest, LogfmtLine format, LineWriter out) {
        active = new Active(lowest.toInt(), format, out);
    }

    /** Back to writing nothing (as before {@link #set}); for tests. */
    public static void off() {
        active = new Active(OFF, null, null);
    }

    static boolean enabled(Level level) {
        return level.toInt() >= active.threshold;
    }

    /** Writes the event if its level is enabled; the message is already formatted. */
    static void emit(Level level, String message, Throwable thrown) {
        Active a = active; // one read: threshold, format and writer of the same setting
        if (level.toInt() < a.threshold) return;
        a.out.write(a.format.format(System.currentTimeMillis(), level, message, thrown));
    }
}
