package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdPassingTest {

    @Test
    void passesAPipeEndBetweenThreads(@TempDir Path dir) throws Exception {
        String sock = dir.resolve("s.sock").toString();
        int listen = UnixListener.listen(sock, 4);
        int[] pipe = Posix.pipe();
        try {
            CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
                try {
                    int c = FdPassing.connect(sock);
                    FdPassing.sendFd(c, pipe[1], "/dev/ptmx".getBytes(StandardCharsets.UTF_8));
                    Posix.close(c);
                    Posix.close(pipe[1]); // the receiver now holds the only write end
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            FdPassing.Received r = FdPassing.acceptFd(listen, 2000);
            sender.get(2, TimeUnit.SECONDS);
            assertEquals("/dev/ptmx", r.name());
            Posix.writeFully(r.fd(), "through the passed fd".getBytes(StandardCharsets.UTF_8));
            Posix.close(r.fd());
            assertEquals("through the passed fd", new String(Posix.readAll(pipe[0]), StandardCharsets.UTF_8));
        } finally {
            Posix.closeQuietly(pipe[0]);
            Posix.closeQuietly(listen);
        }
    }

    @Test
    void acceptTimesOut(@TempDir Path dir) throws Exception {
        int listen = UnixListener.listen(dir.resolve("s.sock").toString(), 1);
        try {
            long t0 = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> FdPassing.accept(listen, 100));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 90 && ms < 1500, "took " + ms + " ms");
        } finally {
            Posix.close(listen);
        }
    }

    @Test
    void connectionWithoutFdIsAClearError(@TempDir Path dir) throws Exception {
        String sock = dir.resolve("s.sock").toString();
        int listen = UnixListener.listen(sock, 1);
        try {
            int c = FdPassing.connect(sock);
            Posix.writeFully(c, "no fd here".getBytes(StandardCharsets.UTF_8));
            Posix.close(c);
            IOException e = assertThrows(IOException.class, () -> FdPassing.acceptFd(listen, 1000));
            assertTrue(e.getMessage().contains("carried no fd"), e.getMessage());

            c = FdPassing.connect(sock);
            Posix.close(c);
            e = assertThrows(IOException.class, () -> FdPassing.acceptFd(listen, 1000));
            assertTrue(e.getMessage().contains("without sending an fd"), e.getMessage());
        } finally {
            Posix.close(listen);
        }
    }

    @Test
    void receiveTimesOutWhenThePeerSendsNothing(@TempDir Path dir) throws Exception {
        String sock = dir.resolve("s.sock").toString();
        int listen = UnixListener.listen(sock, 1);
        int c = FdPassing.connect(sock);
        try {
            assertThrows(SocketTimeoutException.class, () -> FdPassing.acceptFd(listen, 150));
        } finally {
            Posix.close(c);
            Posix.close(listen);
        }
    }

    @Test
    void connectToMissingSocketFails(@TempDir Path dir) {
        SysException e = assertThrows(SysException.class, () -> FdPassing.connect(dir.resolve("none").toString()));
        assertEquals(Errno.ENOENT, e.errno());
    }
}
