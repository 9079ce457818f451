package io.rune.shim.frame.log;

import static org.junit.jupiter.api.Assertions.*;

import java.time.ZonedDateTime;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

/** The line byte for byte as the daemon has always written it (logback's LogfmtLayout before). */
class LogfmtLineTest {
    private static final TimeZone UTC = TimeZone.getTimeZone("UTC");

    private static long at(String zonedTime) {
        return ZonedDateTime.parse(zonedTime).toInstant().toEpochMilli();
    }

    @Test
    void timeLevelMessageThenNamespaceAndRuntime() {
        LogfmtLine f = new LogfmtLine("k8s.io", "io.containerd.rune.v2", UTC);
        assertEquals("time=\"2024-03-05T07:08:09.012Z\" level=INFO msg=\"id=c1 call=start\" namespace=k8s.io runtime=io.containerd.rune.v2\n",
                f.format(at("2024-03-05T07:08:09.012Z"), Level.INFO, "id=c1 call=start", null));
        assertEquals("time=\"1999-12-31T23:59:59.999Z\" level=DEBUG msg=\"\" namespace=n runtime=r\n",
                new LogfmtLine("n", "r", UTC).format(at("1999-12-31T23:59:59.999Z"), Level.DEBUG, "", null));
    }

    @Test
    void theTimeIsLocalWithItsOffset() {
        long t = at("2024-07-01T00:00:00.5Z");
        assertTrue(new LogfmtLine("n", "r", TimeZone.getTimeZone("Asia/Kolkata")).format(t, Level.WARN, "m", null)
                .startsWith("time=\"2024-07-01T05:30:00.500+05:30\" level=WARN "));
        // daylight saving time in July, not in January
        assertTrue(new LogfmtLine("n", "r", TimeZone.getTimeZone("America/New_York")).format(t, Level.ERROR, "m", null)
                .startsWith("time=\"2024-06-30T20:00:00.500-04:00\" level=ERROR "));
        assertTrue(new LogfmtLine("n", "r", TimeZone.getTimeZone("America/New_York")).format(at("2024-01-01T00:00:00.007Z"), Level.INFO, "m", null)
                .startsWith("time=\"2023-12-31T19:00:00.007-05:00\" "));
        assertTrue(new LogfmtLine("n", "r", TimeZone.getTimeZone("Europe/London")).format(at("2024-01-10T10:00:00Z"), Level.INFO, "m", null)
                .startsWith("time=\"2024-01-10T10:00:00.000Z\" "));
    }

    @Test
    void quotesAndLineBreaksAreEscaped() {
        String line = new LogfmtLine("n", "r", UTC).format(0, Level.INFO, "a \"b\" c\\d\ne\rf\tg", null);
        assertEquals("time=\"1970-01-01T00:00:00.000Z\" level=INFO msg=\"a \\\"b\\\" c\\\\d\\ne\\rf\\tg\" namespace=n runtime=r\n", line);
        assertEquals(1, line.split("\n", -1).length - 1);
    }

    @Test
    void aThrowableStaysOnTheLineWithTypeMessageAndFirstFrame() {
        Exception e = new IllegalStateException("bad \"state\"\nhere");
        StackTraceElement top = e.getStackTrace()[0];
        assertEquals("time=\"1970-01-01T00:00:00.000Z\" level=ERROR msg=\"failed\" error=\"java.lang.IllegalStateException: bad \\\"state\\\"\\nhere at "
                        + top + "\" namespace=n runtime=r\n",
                new LogfmtLine("n", "r", UTC).format(0, Level.ERROR, "failed", e));
        Exception bare = new RuntimeException((String) null);
        bare.setStackTrace(new StackTraceElement[0]);
        assertEquals("time=\"1970-01-01T00:00:00.000Z\" level=WARN msg=\"m\" error=\"java.lang.RuntimeException\" namespace=n runtime=r\n",
                new LogfmtLine("n", "r", UTC).format(0, Level.WARN, "m", bare));
    }
}
