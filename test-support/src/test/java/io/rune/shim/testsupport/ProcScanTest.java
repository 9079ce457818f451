package io.rune.shim.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcScanTest {

    @Test
    void flagReadsEveryGoSpelling() {
        List<String> argv = List.of("shim", "-namespace", "e2e", "--address", "/tmp/a.sock", "-id=x1", "--publish-binary=ctd", "start");
        assertEquals("e2e", ProcScan.flag(argv, "namespace"));
        assertEquals("/tmp/a.sock", ProcScan.flag(argv, "address"));
        assertEquals("x1", ProcScan.flag(argv, "id"));
        assertEquals("ctd", ProcScan.flag(argv, "publish-binary"));
        assertNull(ProcScan.flag(argv, "bundle"));
        assertNull(ProcScan.flag(List.of("shim", "-id"), "id"), "a flag without a value");
    }

    @Test
    void procPrintsPidAndTheLastEightArguments() {
        ProcScan.Proc p = new ProcScan.Proc(42, List.of("/usr/bin/shim", "-namespace", "e2e", "-address", "/a", "-publish-binary", "c", "-id", "x", "start"));
        assertEquals("42 e2e -address /a -publish-binary c -id x start", p.toString());
        assertEquals("x", p.flag("id"));
    }

    @Test
    void ownProcessIsSeenRunningWithAStartTimeAndFds() {
        long self = ProcessHandle.current().pid();
        assertTrue(ProcScan.all().stream().anyMatch(p -> p.pid() == self));
        assertTrue(ProcScan.running(self));
        assertTrue(ProcScan.startTime(self) > 0);
        assertFalse(ProcScan.fds(self).isEmpty());
        assertFalse(ProcScan.running(Long.MAX_VALUE));
        assertEquals(-1, ProcScan.startTime(Long.MAX_VALUE));
    }
}
