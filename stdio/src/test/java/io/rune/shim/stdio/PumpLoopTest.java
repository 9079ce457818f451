package io.rune.shim.stdio;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.sys.Posix;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copies on the shared epoll loop: whole data, back-pressure, EOF, stop, files, and no thread per copy. */
class PumpLoopTest {
    @TempDir Path dir;

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Reads fd to EOF on this thread. */
    private static byte[] drain(int fd) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = Posix.read(fd, buf, 0, buf.length)) > 0) out.write(buf, 0, n);
        return out.toByteArray();
    }

    @Test
    void copiesEverythingThroughAFullDestinationAndEndsAtEof() throws Exception {
        int[] in = Posix.pipe(), out = Posix.pipe();
        Pump p = new Pump("t1", in[0], out[1], true).start();
        byte[] data = random(3 * 1024 * 1024 + 17); // far more than a pipe holds: the loop must wait for room
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                Posix.writeFully(in[1], data);
            } catch (Exception e) {
                throw new RuntimeException(e);
            } finally {
                Posix.closeQuietly(in[1]);
            }
        });
        Thread.sleep(200); // the destination fills while nobody reads
        assertFalse(p.await(Duration.ZERO), "not done while data is left");
        byte[] got = drain(out[0]);
        writer.join();
        assertTrue(p.await(Duration.ofSeconds(5)), "EOF of the source ends the copy");
        assertEquals(data.length, got.length);
        assertTrue(Arrays.equals(data, got));
        Posix.closeQuietly(out[0]);
    }

    @Test
    void stopEndsACopyWhoseSourceNeverEndsAndClosesItsFds() throws Exception {
        int[] in = Posix.pipe(), out = Posix.pipe();
        Pump p = new Pump("t2", in[0], out[1], true).start();
        Posix.writeFully(in[1], "partial".getBytes());
        Thread.sleep(100);
        p.stop();
        assertTrue(p.await(Duration.ofSeconds(5)));
        assertEquals("partial", new String(drain(out[0])), "the destination was closed: the reader sees EOF");
        Posix.closeQuietly(in[1]);
        Posix.closeQuietly(out[0]);
    }

    @Test
    void copiesIntoARegularFile() throws Exception {
        int[] in = Posix.pipe();
        Path f = dir.resolve("log");
        int fd = Posix.open(f.toString(), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC, 0600);
        Pump p = new Pump("t3", in[0], fd, true).start();
        byte[] data = random(200_000);
        Posix.writeFully(in[1], data);
        Posix.close(in[1]);
        assertTrue(p.await(Duration.ofSeconds(5)));
        assertArrayEquals(data, Files.readAllBytes(f));
    }

    @Test
    void manyCopiesShareOneThread() throws Exception {
        long before = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("stdio-loop")).count();
        List<int[]> ins = new ArrayList<>(), outs = new ArrayList<>();
        List<Pump> pumps = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int[] in = Posix.pipe(), out = Posix.pipe();
            ins.add(in);
            outs.add(out);
            pumps.add(new Pump("m" + i, in[0], out[1], true).start());
        }
        long loops = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("stdio-loop")).count();
        assertEquals(1, loops, "one loop thread for every copy (before: " + before + ")");
        assertEquals(0, Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("pump-")).count());
        for (int i = 0; i < 100; i++) {
            Posix.writeFully(ins.get(i)[1], ("copy " + i).getBytes());
            Posix.close(ins.get(i)[1]);
        }
        for (int i = 0; i < 100; i++) {
            assertTrue(pumps.get(i).await(Duration.ofSeconds(5)));
            assertEquals("copy " + i, new String(drain(outs.get(i)[0])));
            Posix.closeQuietly(outs.get(i)[0]);
        }
    }
}
