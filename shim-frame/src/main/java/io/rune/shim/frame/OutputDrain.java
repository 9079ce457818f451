package io.rune.shim.frame;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Reads one pipe to EOF on a platform thread, then closes it; what was read so far stays available. */
final class OutputDrain {
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private final CountDownLatch done = new CountDownLatch(1);

    OutputDrain(int fd, String name) {
        Thread.ofPlatform().name("drain-" + name).daemon(true).start(() -> {
            try {
                byte[] chunk = new byte[8192];
                int n;
                while ((n = Posix.read(fd, chunk, 0, chunk.length)) > 0) {
                    synchronized (buf) {
                        buf.write(chunk, 0, n);
                    }
                }
            } catch (SysException ignored) {
                // a read error ends the output like EOF
            } finally {
                Posix.closeQuietly(fd);
                done.countDown();
            }
        });
    }

    boolean await(Duration d) throws InterruptedException {
        return done.await(d.toMillis(), TimeUnit.MILLISECONDS);
    }

    byte[] bytes() {
        synchronized (buf) {
            return buf.toByteArray();
        }
    }
}
