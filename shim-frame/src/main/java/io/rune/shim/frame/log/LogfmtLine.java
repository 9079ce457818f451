package io.rune.shim.frame.log;

import java.time.LocalDate;
import java.util.TimeZone;
import org.slf4j.event.Level;

/**
 * One log event as one logfmt line, the way containerd writes its own: time, level, msg, then the
 * namespace and runtime. A throwable stays on the same line (its type, message and where it was
 * thrown), so containerd's log never gets raw stack-trace lines. The time is formatted by hand
 * ({@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in the local zone): java.time's formatter would load and
 * link dozens of classes on the daemon's start path for one fixed pattern. The zone's offset comes
 * from java.util.TimeZone: turning it into a java.time ZoneId reads the time-zone database a second
 * time, some 5 ms of the daemon's start.
 */
public final class LogfmtLine {
    private static final long DAY_MILLIS = 86_400_000L;
    /** Safe to share between threads: the JDK's calendars all share the default zone too. */
    private final TimeZone zone;
    private final String suffix;

    /** Lines in the JVM's default time zone, as read now. */
    public LogfmtLine(String namespace, String runtime) {
        this(namespace, runtime, TimeZone.getDefault());
    }

    LogfmtLine(String namespace, String runtime, TimeZone zone) {
        this.zone = zone;
        this.suffix = " namespace=" + namespace + " runtime=" + runtime;
    }

    /** The line, newline included, for an event at {@code epochMillis}; {@code thrown} may be null. */
    public String format(long epochMillis, Level level, String message, Throwable thrown) {
        StringBuilder b = new StringBuilder(160);
        b.append("time=\"");
        time(b, epochMillis);
        b.append("\" level=").append(level).append(" msg=\"");
        quote(b, String.valueOf(message));
        b.append('"');
        if (thrown != null) {
            b.append(" error=\"");
            StackTraceElement[] frames = thrown.getStackTrace();
            String text = thrown.getMessage();
            quote(b, thrown.getClass().getName() + (text == null ? "" : ": " + text)
                    + (frames.length == 0 ? "" : " at " + frames[0]));
            b.append('"');
        }
        return b.append(suffix).append('\n').toString();
    }

    /** Local date and time to the millisecond, then the offset as Z or ±HH:MM. */
    private void time(StringBuilder b, long epochMillis) {
        int offsetMillis = zone.getOffset(epochMillis);
        long local = epochMillis + offsetMillis;
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(local, DAY_MILLIS));
        int ms = (int) Math.floorMod(local, DAY_MILLIS);
        pad(b, day.getYear(), 4).append('-');
        pad(b, day.getMonthValue(), 2).append('-');
        pad(b, day.getDayOfMonth(), 2).append('T');
        pad(b, ms / 3_600_000, 2).append(':');
        pad(b, ms / 60_000 % 60, 2).append(':');
        pad(b, ms / 1000 % 60, 2).append('.');
        pad(b, ms % 1000, 3);
        int seconds = offsetMillis / 1000;
        if (seconds == 0) {
            b.append('Z');
            return;
        }
        int abs = Math.abs(seconds);
        b.append(seconds < 0 ? '-' : '+');
        pad(b, abs / 3600, 2).append(':');
        pad(b, abs / 60 % 60, 2);
    }

    private static StringBuilder pad(StringBuilder b, int value, int width) {
        for (int limit = 10, i = 1; i < width; i++, limit *= 10) {
            if (value < limit) b.append('0');
        }
        return b.append(value);
    }

    /** Escapes what would break the line or the quotes. */
    static void quote(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
    }
}
