package io.rune.shim.frame.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A named SLF4J logger writing through {@link LogSettings}; slf4j-api's base class supplies the
 * overloads and the {@code {}} formatting. The name is not part of the line: all loggers share
 * one level, as the daemon's log has always had.
 */
final class LineLogger extends LegacyAbstractLogger {
    private static final long serialVersionUID = 1L;

    LineLogger(String name) {
        this.name = name;
    }

    @Override public boolean isTraceEnabled() { return LogSettings.enabled(Level.TRACE); }
    @Override public boolean isDebugEnabled() { return LogSettings.enabled(Level.DEBUG); }
    @Override public boolean isInfoEnabled() { return LogSettings.enabled(Level.INFO); }
    @Override public boolean isWarnEnabled() { return LogSettings.enabled(Level.WARN); }
    @Override public boolean isErrorEnabled() { return LogSettings.enabled(Level.ERROR); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    /**
     * As logback did: a throwable passed as the last argument (e.g. {@code warn("x {}", e)}) is
     * the event's throwable, not an argument, and the message is then formatted without it (and
     * without looking for a throwable again among the arguments left).
     */
    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args, Throwable thrown) {
        if (thrown == null && args != null && args.length > 0 && args[args.length - 1] instanceof Throwable last) {
            thrown = last;
            args = MessageFormatter.trimmedCopy(args);
        }
        String message = args == null ? pattern : MessageFormatter.basicArrayFormat(pattern, args);
        LogSettings.emit(level, message, thrown);
    }
}
