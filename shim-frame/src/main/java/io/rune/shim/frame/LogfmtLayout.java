package io.rune.shim.frame;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * One logfmt line per event, as containerd writes its own: time, level, msg, then the namespace
 * and runtime; a throwable stays on the same line (its type, message and where it was thrown), so
 * containerd's log never gets raw stack-trace lines. Formatted by hand: a pattern layout costs tens
 * of milliseconds to compile on the daemon's start path.
 */
final class LogfmtLayout extends LayoutBase<ILoggingEvent> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX")
            .withZone(ZoneId.systemDefault());
    private final String suffix;

    LogfmtLayout(String namespace, String runtime) {
        this.suffix = " namespace=" + namespace + " runtime=" + runtime;
    }

    @Override
    public String doLayout(ILoggingEvent e) {
        StringBuilder b = new StringBuilder(160);
        b.append("time=\"").append(TIME.format(Instant.ofEpochMilli(e.getTimeStamp()))).append("\" level=")
                .append(e.getLevel()).append(" msg=\"");
        quote(b, e.getFormattedMessage());
        b.append('"');
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            b.append(" error=\"");
            StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
            quote(b, t.getClassName() + (t.getMessage() == null ? "" : ": " + t.getMessage())
                    + (frames.length == 0 ? "" : " at " + frames[0].getStackTraceElement()));
            b.append('"');
        }
        return b.append(suffix).append('\n').toString();
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
