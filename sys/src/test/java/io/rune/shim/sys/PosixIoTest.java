package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** read/write between Java arrays and fds: offsets, EOF, short reads, large copies, errors. */
class PosixIoTest {

    @Test
    void readHonoursOffsetAndSignalsEofWithMinusOne() throws Exception {
        int[] p = Posix.pipe();
        try {
            byte[] src = "xxhelloxx".getBytes(StandardCharsets.US_ASCII);
            Posix.writeFully(p[1], src, 2, 5);
            Posix.close(p[1]);
            byte[] buf = new byte[10];
            Arrays.fill(buf, (byte) '.');
            assertEquals(5, Posix.read(p[0], buf, 3, 7));
            assertEquals("...hello..", new String(buf, StandardCharsets.US_ASCII));
            assertEquals(-1, Posix.read(p[0], buf, 0, 10));
            assertEquals(-1, Posix.read(p[0], buf, 0, 10), "EOF stays EOF");
        } finally {
            Posix.closeQuietly(p[0]);
            Posix.closeQuietly(p[1]);
        }
    }

    @Test
    void zeroLengthReadReturnsZeroWithoutBlocking() throws Exception {
        int[] p = Posix.pipe();
        try {
            // nothing was written and the write end is open: a real read would block
            assertEquals(0, Posix.read(p[0], new byte[4], 4, 0));
            assertEquals(0, Posix.write(p[1], new byte[4], 0, 0));
        } finally {
            Posix.close(p[0]);
            Posix.close(p[1]);
        }
    }

    @Test
    void readReturnsWhatIsThereWithoutWaitingForMore() throws Exception {
        int[] p = Posix.pipe();
        try {
            Posix.writeFully(p[1], "ab".getBytes(StandardCharsets.US_ASCII));
            byte[] buf = new byte[100];
            assertEquals(2, Posix.read(p[0], buf, 0, buf.length));
            assertEquals("ab", new String(buf, 0, 2, StandardCharsets.US_ASCII));
        } finally {
            Posix.close(p[0]);
            Posix.close(p[1]);
        }
    }

    @Test
    void largeCopyArrivesIntactThroughAPipe() throws Exception {
        byte[] data = new byte[1_000_003]; // more than a pipe holds and than one call moves
        for (int i = 0; i < data.length; i++) data[i] = (byte) (i * 31 + (i >> 8));
        int[] p = Posix.pipe();
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            try {
                Posix.writeFully(p[1], data, 0, data.length);
                Posix.close(p[1]);
            } catch (SysException e) {
                throw new RuntimeException(e);
            }
        });
        try {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[100_000];
            int n;
            // odd offsets and lengths so that each read lands somewhere else in buf
            int off = 7;
            while ((n = Posix.read(p[0], buf, off, buf.length - off)) != -1) {
                assertTrue(n > 0 && n <= 64 * 1024, "read " + n);
                got.write(buf, off, n);
                off = (off + 13) % 1000;
            }
            writer.get(10, TimeUnit.SECONDS);
            assertArrayEquals(data, got.toByteArray());
        } finally {
            Posix.close(p[0]);
        }
    }

    @Test
    void singleWriteMayBeShortAndSaysHowMuch() throws Exception {
        int[] p = Posix.pipe();
        try {
            Posix.setBlocking(p[1], false);
            byte[] big = new byte[1 << 20];
            int n = Posix.write(p[1], big, 0, big.length);
            assertTrue(n > 0 && n < big.length, "wrote " + n);
            // the pipe is full now: a non-blocking write says so through errno
            SysException e = assertThrows(SysException.class, () -> {
                while (true) Posix.write(p[1], big, 0, big.length);
            });
            assertEquals(Errno.EAGAIN, e.errno());
        } finally {
            Posix.close(p[0]);
            Posix.close(p[1]);
        }
    }

    @Test
    void writeToAPipeWithoutReaderIsEpipe() throws Exception {
        int[] p = Posix.pipe();
        Posix.close(p[0]);
        try {
            SysException e = assertThrows(SysException.class, () -> Posix.writeFully(p[1], new byte[] {1, 2, 3}));
            assertEquals(Errno.EPIPE, e.errno());
            assertEquals("write", e.call());
        } finally {
            Posix.close(p[1]);
        }
    }

    @Test
    void readOfAClosedFdIsEbadf() throws Exception {
        int[] p = Posix.pipe();
        Posix.close(p[0]);
        Posix.close(p[1]);
        SysException e = assertThrows(SysException.class, () -> Posix.read(p[0], new byte[1], 0, 1));
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void boundsAreCheckedBeforeAnyCall() {
        byte[] buf = new byte[4];
        assertThrows(IndexOutOfBoundsException.class, () -> Posix.read(0, buf, 3, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> Posix.write(1, buf, -1, 1));
        assertThrows(IndexOutOfBoundsException.class, () -> Posix.writeFully(1, buf, 0, 5));
    }

    @Test
    void eachThreadGetsItsOwnBuffer() throws Exception {
        // two threads copying at once through their per-thread buffers must not mix bytes
        int[] a = Posix.pipe(), b = Posix.pipe();
        try {
            CompletableFuture<byte[]> ra = CompletableFuture.supplyAsync(() -> roundTrip(a, (byte) 'a'));
            CompletableFuture<byte[]> rb = CompletableFuture.supplyAsync(() -> roundTrip(b, (byte) 'b'));
            for (byte x : ra.get(10, TimeUnit.SECONDS)) assertEquals('a', x);
            for (byte x : rb.get(10, TimeUnit.SECONDS)) assertEquals('b', x);
        } finally {
            for (int fd : new int[] {a[0], a[1], b[0], b[1]}) Posix.closeQuietly(fd);
        }
    }

    private static byte[] roundTrip(int[] pipe, byte fill) {
        try {
            byte[] out = new byte[32 * 1024];
            Arrays.fill(out, fill);
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] in = new byte[32 * 1024];
            for (int i = 0; i < 200; i++) {
                Posix.writeFully(pipe[1], out, 0, 4096);
                int left = 4096;
                while (left > 0) {
                    int n = Posix.read(pipe[0], in, 0, left);
                    got.write(in, 0, n);
                    left -= n;
                }
            }
            return got.toByteArray();
        } catch (SysException e) {
            throw new RuntimeException(e);
        }
    }
}
