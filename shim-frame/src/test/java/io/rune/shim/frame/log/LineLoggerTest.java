package io.rune.shim.frame.log;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/** slf4j-api finds the shim's provider; its loggers follow the one level switch and write whole lines. */
class LineLoggerTest {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Logger log = LoggerFactory.getLogger(LineLoggerTest.class);

    @AfterEach
    void off() {
        LogSettings.off();
    }

    private void capture(Level lowest) {
        LogSettings.set(lowest, new LogfmtLine("n", "r", TimeZone.getTimeZone("UTC")), lines::add);
    }

    /** The lines without their time. */
    private List<String> untimed() {
        return lines.stream().map(l -> l.replaceFirst("^time=\"[^\"]+\" ", "")).toList();
    }

    @Test
    void slf4jUsesTheShimsProvider() {
        assertInstanceOf(LineLogger.class, log);
        assertSame(log, LoggerFactory.getLogger(LineLoggerTest.class.getName()));
        assertEquals(LineLoggerTest.class.getName(), log.getName());
    }

    @Test
    void nothingIsWrittenUntilSettingsAreSet() {
        log.error("dropped");
        assertFalse(log.isErrorEnabled());
        capture(Level.INFO);
        log.info("kept");
        assertEquals(List.of("level=INFO msg=\"kept\" namespace=n runtime=r\n"), untimed());
    }

    @Test
    void infoHidesDebugAndDebugShowsIt() {
        capture(Level.INFO);
        log.debug("hidden {}", 1);
        log.trace("hidden");
        assertFalse(log.isDebugEnabled());
        assertTrue(log.isInfoEnabled());
        log.warn("w");
        capture(Level.DEBUG);
        assertTrue(log.isDebugEnabled());
        assertFalse(log.isTraceEnabled());
        log.debug("shown {}", 2);
        assertEquals(List.of("level=WARN msg=\"w\" namespace=n runtime=r\n", "level=DEBUG msg=\"shown 2\" namespace=n runtime=r\n"),
                untimed());
    }

    @Test
    void argumentsFillThePlaceholders() {
        capture(Level.INFO);
        log.info("id={} call={}", "c1", "start");
        log.info("a={} b={} c={}", 1, null, "x");
        log.info("fluent {}", 3, 4);
        log.atInfo().setMessage("built {}").addArgument("here").log();
        assertEquals(List.of("level=INFO msg=\"id=c1 call=start\" namespace=n runtime=r\n",
                "level=INFO msg=\"a=1 b=null c=x\" namespace=n runtime=r\n",
                "level=INFO msg=\"fluent 3\" namespace=n runtime=r\n",
                "level=INFO msg=\"built here\" namespace=n runtime=r\n"), untimed());
    }

    @Test
    void aTrailingThrowableIsTheEventsErrorAsWithLogback() {
        capture(Level.INFO);
        IOException e = new IOException("gone");
        e.setStackTrace(new StackTraceElement[0]);
        log.error("plain", e);
        log.error("conn={} failed", 7, e);
        log.warn("one placeholder {}", e); // the throwable is not an argument: the placeholder stays
        log.error("a={} b={} c={}", 1, 2, e);
        RuntimeException other = new RuntimeException("other");
        log.error("first {} then {}", other, e); // only the last one is the error
        String error = " error=\"java.io.IOException: gone\" namespace=n runtime=r\n";
        assertEquals(List.of("level=ERROR msg=\"plain\"" + error, "level=ERROR msg=\"conn=7 failed\"" + error,
                "level=WARN msg=\"one placeholder {}\"" + error, "level=ERROR msg=\"a=1 b=2 c={}\"" + error,
                "level=ERROR msg=\"first java.lang.RuntimeException: other then {}\"" + error), untimed());
    }
}
