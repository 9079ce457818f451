package io.rune.shim.frame.log;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import org.slf4j.event.Level;

/**
 * One log event as one logfmt line, the way containerd writes its own: time, level, msg, then the
 * namespace and runtime. A throwable stays on the same line (its type, message and where it was
 * thrown), so containerd's log never gets raw stack-trace lines. The time is formatted by hand
 * ({@code yyyy-MM-dd'T'HH:mm:ss.SSSXXX} in the local zone): java.time's formatter would load and
 * link dozens of classes on the daemon's start path for one fixed pattern.
 */
public final class LogfmtLine {
    private final ZoneRules zone;
    private final String suffix;

    /** Lines in the JVM's default time zone, as read now. */
    public LogfmtLine(String namespace, String runtime) {
        this(namespace, runtime, ZoneId.systemDefault());
    }

    LogfmtLine(String namespace, String runtime, ZoneId zone) {
        this.zone = zone.getRules();
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
        ZoneOffset offset = zone.getOffset(Instant.ofEpochMilli(epochMillis));
        int millis = (int) Math.floorMod(epochMillis, 1000L);
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(epochMillis, 1000L), millis * 1_000_000, offset);
        pad(b, t.getYear(), 4).append('-');
        pad(b, t.getMonthValue(), 2).append('-');
        pad(b, t.getDayOfMonth(), 2).append('T');
        pad(b, t.getHour(), 2).append(':');
        pad(b, t.getMinute(), 2).append(':');
        pad(b, t.getSecond(), 2).append('.');
        pad(b, millis, 3);
        int seconds = offset.getTotalSeconds();
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
