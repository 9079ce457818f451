package io.rune.shim.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CmdTest {

    @Test
    void capturesExitCodeAndBothStreams() {
        CmdResult r = Cmd.run(Duration.ofSeconds(10), List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"));
        assertEquals(new CmdResult(List.of("/bin/sh", "-c", "echo out; echo err >&2; exit 3"), 3, "out\n", "err\n", false), r);
        assertFalse(r.ok());
    }

    @Test
    void passesTheEnvironment() {
        CmdResult r = Cmd.run(Duration.ofSeconds(10), List.of("/bin/sh", "-c", "echo $TS_VALUE"), Map.of("TS_VALUE", "v1"));
        assertTrue(r.ok(), r.describe());
        assertEquals("v1\n", r.stdout());
    }

    @Test
    void aCommandOverItsTimeIsKilledAndReportedAsTimedOut() {
        long t0 = System.nanoTime();
        CmdResult r = Cmd.run(Duration.ofMillis(300), List.of("/bin/sleep", "30"));
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(10)) < 0);
        assertTrue(r.timedOut());
        assertEquals(-1, r.exitCode());
        assertTrue(r.describe().startsWith("/bin/sleep 30 -> TIMEOUT"), r.describe());
    }

    @Test
    void pollReturnsTheFirstValueThatHoldsOrTheLastSeen() {
        int[] n = {0};
        assertEquals(3, Poll.until(Duration.ofSeconds(5), Duration.ofMillis(1), () -> ++n[0], v -> v == 3));
        int last = Poll.until(Duration.ofMillis(50), Duration.ofMillis(5), () -> ++n[0], v -> false);
        assertTrue(last > 3 && last == n[0]);
    }
}
