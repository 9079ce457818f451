package io.rune.shim.stdio;

import io.rune.shim.sys.Epoll;
import io.rune.shim.sys.Errno;
import io.rune.shim.sys.EventFd;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every stdio copy of the daemon on one platform thread: an epoll loop over the copies' source
 * fds (and, while a destination is full, its destination fd). Data moves with splice(2) inside the
 * kernel where one side is a pipe or FIFO, else through one shared buffer; a destination that
 * cannot take more is waited for, never blocked on. So a container costs fds, not threads.
 *
 * <p>Only the loop thread touches a copy's state; other threads hand it commands through a
 * queue and an eventfd.
 */
final class PumpLoop {
    private static final Logger LOG = LoggerFactory.getLogger(PumpLoop.class);
    private static final long WAKE = 0;
    /** Bytes moved per splice/read; and per readiness at most ROUNDS of them, so one busy copy cannot starve the rest. */
    private static final int CHUNK = 64 * 1024, ROUNDS = 16;
    private static PumpLoop shared;

    private final int epfd;
    private final int wakeFd;
    private final ConcurrentLinkedQueue<Runnable> commands = new ConcurrentLinkedQueue<>();
    private final Map<Long, Pump> byToken = new HashMap<>();
    private final byte[] buffer = new byte[CHUNK];
    private long nextId = 1;

    private PumpLoop() throws SysException {
        epfd = Epoll.create();
        int w = -1;
        try {
            w = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
            Epoll.add(epfd, w, Epoll.EPOLLIN, WAKE);
        } catch (SysException e) {
            Posix.closeQuietly(w);
            Posix.closeQuietly(epfd);
            throw e;
        }
        wakeFd = w;
        Thread.ofPlatform().name("stdio-loop").daemon().start(this::run);
    }

    /** The daemon's loop, started on first use. */
    static synchronized PumpLoop shared() throws SysException {
        if (shared == null) shared = new PumpLoop();
        return shared;
    }

    void start(Pump p) {
        submit(() -> add(p));
    }

    void stop(Pump p) {
        submit(() -> finish(p, "stopped"));
    }

    private void submit(Runnable command) {
        commands.add(command);
        try {
            EventFd.write(wakeFd, 1);
        } catch (SysException e) {
            LOG.warn("call=io stdio loop wake: {}", e.getMessage());
        }
    }

    private void run() {
        while (true) {
            List<Epoll.Event> events;
            try {
                events = Epoll.wait(epfd, 128, -1);
            } catch (SysException e) {
                LOG.error("call=io stdio loop epoll_wait: {}", e.getMessage());
                continue;
            }
            for (Epoll.Event ev : events) {
                if (ev.token() == WAKE) {
                    drainWake();
                    continue;
                }
                Pump p = byToken.get(ev.token() >>> 1);
                if (p == null || p.finished) continue; // finished earlier in this batch
                try {
                    if ((ev.token() & 1) == 0) sourceReady(p);
                    else destinationReady(p, ev.events());
                } catch (RuntimeException e) {
                    LOG.warn("call=io pump={} failed: {}", p.name, e.toString());
                    finish(p, "failed");
                }
            }
        }
    }

    private void drainWake() {
        try {
            EventFd.read(wakeFd);
        } catch (SysException ignored) {
            // nothing to drain
        }
        Runnable c;
        while ((c = commands.poll()) != null) c.run();
    }

    private void add(Pump p) {
        if (p.finished) return;
        p.id = nextId++;
        try {
            Posix.setBlocking(p.src, false);
            Posix.setBlocking(p.dst, false);
            Epoll.add(epfd, p.src, Epoll.EPOLLIN, p.id << 1);
        } catch (SysException e) {
            LOG.warn("call=io pump={} cannot be watched: {}", p.name, e.getMessage());
            finish(p, "unwatchable");
            return;
        }
        byToken.put(p.id, p);
        sourceReady(p); // data (or EOF) may be there already
    }

    /** Moves what the source has until it is empty, the destination is full, or the copy ends. */
    private void sourceReady(Pump p) {
        for (int round = 0; round < ROUNDS; round++) {
            long n;
            if (p.splice) {
                n = Posix.trySplice(p.src, p.dst, CHUNK);
                if (n == -Errno.EINVAL) { // neither end a pipe (a tty): copy through the buffer
                    p.splice = false;
                    continue;
                }
                if (n == -Errno.EAGAIN) {
                    if (!writable(p.dst)) awaitDestination(p);
                    return; // else the source is empty: wait for more
                }
            } else {
                n = Posix.tryRead(p.src, buffer, 0, CHUNK);
                if (n == -Errno.EAGAIN) return;
                if (n > 0 && !writeOut(p, (int) n)) return;
            }
            if (n == 0) {
                finish(p, "eof");
                return;
            }
            if (n < 0) {
                // EIO on a tty whose other side closed, EPIPE when the reader went: the copy is over
                finish(p, "errno " + (-n));
                return;
            }
        }
    }

    /** Writes the buffer's first n bytes; keeps what does not fit and waits for room. False when waiting or ended. */
    private boolean writeOut(Pump p, int n) {
        int w = Posix.tryWrite(p.dst, buffer, 0, n);
        if (w == -Errno.EAGAIN) w = 0;
        if (w < 0) {
            finish(p, "errno " + (-w));
            return false;
        }
        if (w == n) return true;
        p.pending = java.util.Arrays.copyOfRange(buffer, w, n);
        awaitDestination(p);
        return false;
    }

    /** The destination is full: stop reading the source until it can take more. */
    private void awaitDestination(Pump p) {
        try {
            Epoll.delete(epfd, p.src);
            Epoll.add(epfd, p.dst, Epoll.EPOLLOUT, (p.id << 1) | 1);
            p.waitingDst = true;
        } catch (SysException e) {
            LOG.warn("call=io pump={} cannot wait for its destination: {}", p.name, e.getMessage());
            finish(p, "unwatchable");
        }
    }

    private void destinationReady(Pump p, int events) {
        if (p.pending != null) {
            int w = Posix.tryWrite(p.dst, p.pending, 0, p.pending.length);
            if (w == -Errno.EAGAIN) return;
            if (w < 0) {
                finish(p, "errno " + (-w));
                return;
            }
            p.pending = w == p.pending.length ? null : java.util.Arrays.copyOfRange(p.pending, w, p.pending.length);
            if (p.pending != null) return;
        } else if ((events & (Epoll.EPOLLERR | Epoll.EPOLLHUP)) != 0 && (events & Epoll.EPOLLOUT) == 0) {
            finish(p, "destination closed");
            return;
        }
        try {
            Epoll.delete(epfd, p.dst);
            p.waitingDst = false;
            Epoll.add(epfd, p.src, Epoll.EPOLLIN, p.id << 1);
        } catch (SysException e) {
            finish(p, "unwatchable");
            return;
        }
        sourceReady(p);
    }

    private static boolean writable(int fd) {
        try {
            return (Posix.pollOut(fd) & Posix.POLLOUT) != 0;
        } catch (SysException e) {
            return true; // let the next splice tell
        }
    }

    /** Ends a copy: out of the loop, fds closed as owned, waiters released. Loop thread only (or before start). */
    private void finish(Pump p, String why) {
        if (p.finished) return;
        p.finished = true;
        if (p.id != 0) {
            byToken.remove(p.id);
            try {
                Epoll.delete(epfd, p.waitingDst ? p.dst : p.src);
            } catch (SysException ignored) {
                // not registered (never added, or already out)
            }
        }
        LOG.debug("call=io pump={} ended: {}", p.name, why);
        p.closeFds();
        p.done.complete(null);
    }
}
