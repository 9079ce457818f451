package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.frame.log.LogSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@link Logging#configure}: containerd's logfmt lines on System.err, one write each. */
class LoggingTest {
    private static final Logger LOG = LoggerFactory.getLogger(LoggingTest.class);
    /** Each write that reached "stderr", as text. */
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                writes.add(String.valueOf((char) b));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        }, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        LogSettings.off();
        System.setErr(savedErr);
    }

    @Test
    void infoByDefaultDebugWithTheFlag() {
        LOG.info("before configure");
        Logging.configure(false, "k8s.io", "io.containerd.rune.v2");
        LOG.debug("hidden");
        LOG.info("id={} call=start pid={}", "c1", 42);
        assertEquals(1, writes.size(), writes.toString());
        assertTrue(writes.getFirst().matches("time=\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d)\" level=INFO "
                + "msg=\"id=c1 call=start pid=42\" namespace=k8s.io runtime=io.containerd.rune.v2\n"), writes.getFirst());
        Logging.configure(true, "default", "io.containerd.rune.v2");
        LOG.debug("shown");
        assertTrue(writes.getLast().endsWith(" level=DEBUG msg=\"shown\" namespace=default runtime=io.containerd.rune.v2\n"), writes.getLast());
    }

    @Test
    void eachLineIsOneWriteWhateverTheThreads() throws Exception {
        Logging.configure(false, "n", "r");
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            int n = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200; i++) LOG.info("thread={} i={} {}", n, i, "x".repeat(i));
            });
        }
        for (Thread t : threads) t.join();
        assertEquals(1600, writes.size());
        for (String w : writes) {
            assertTrue(w.matches("time=\"[^\"]+\" level=INFO msg=\"thread=\\d i=\\d+ x*\" namespace=n runtime=r\n"), w);
        }
    }
}
