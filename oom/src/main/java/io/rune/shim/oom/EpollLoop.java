package io.rune.shim.oom;

import io.rune.shim.sys.Epoll;
import io.rune.shim.sys.EventFd;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One platform thread waiting in epoll_wait on one fd per container, plus an eventfd that wakes it
 * for close(). A container's fd is read, and closed, only under the lock, so unregister never
 * closes an fd the thread is reading, and events are matched by token, never by fd number (which
 * the kernel reuses).
 */
final class EpollLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EpollLoop.class);
    private static final long WAKE_TOKEN = 0;

    /** What an fd's readiness meant: tell the listener, and/or stop watching the container. */
    enum Outcome { NOTHING, FIRE, DROP, FIRE_AND_DROP }

    /** Reacts to readiness of a container's fd; runs on the loop thread with the lock held. */
    interface Source {
        Outcome ready() throws Exception;
    }

    private record Entry(String id, int fd, long token, Source source) {}

    private final String name;
    private final OomListener listener;
    private final int epfd, wakefd;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<Long, Entry> byToken = new HashMap<>();
    private final Thread thread;
    private long nextToken = WAKE_TOKEN + 1;
    private volatile boolean closed;

    EpollLoop(String name, OomListener listener) throws SysException {
        this.name = name;
        this.listener = listener;
        this.epfd = Epoll.create();
        int w = -1;
        try {
            w = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
            Epoll.add(epfd, w, Epoll.EPOLLIN, WAKE_TOKEN);
        } catch (SysException e) {
            Posix.closeQuietly(w);
            Posix.closeQuietly(epfd);
            throw e;
        }
        this.wakefd = w;
        // a platform thread: epoll_wait would pin a virtual thread's carrier
        this.thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    /** Watches fd for the container (replacing its earlier fd); on failure the caller still owns fd. */
    void add(String id, int fd, Source source) throws SysException {
        lock.lock();
        try {
            if (closed) throw new IllegalStateException(name + " closed");
            Entry old = byId.get(id);
            if (old != null) {
                LOG.info("container {}: OOM watch registered again, replacing fd {}", id, old.fd());
                drop(old);
            }
            Entry e = new Entry(id, fd, nextToken++, source);
            Epoll.add(epfd, fd, Epoll.EPOLLIN | Epoll.EPOLLHUP | Epoll.EPOLLERR, e.token());
            byId.put(id, e);
            byToken.put(e.token(), e);
        } finally {
            lock.unlock();
        }
    }

    /** Stops watching the container and closes its fd; false when it was not watched. */
    boolean remove(String id) {
        lock.lock();
        try {
            Entry e = byId.get(id);
            if (e == null) return false;
            drop(e);
            return true;
        } finally {
            lock.unlock();
        }
    }

    boolean watching(String id) {
        lock.lock();
        try {
            return byId.containsKey(id);
        } finally {
            lock.unlock();
        }
    }

    boolean running() {
        return thread.isAlive();
    }

    /** Lock held. */
    private void drop(Entry e) {
        byId.remove(e.id());
        byToken.remove(e.token());
        try {
            Epoll.delete(epfd, e.fd());
        } catch (SysException ex) {
            LOG.debug("container {}: {}", e.id(), ex.getMessage());
        }
        Posix.closeQuietly(e.fd());
    }

    private void run() {
        while (!closed) {
            List<Epoll.Event> events;
            try {
                events = Epoll.wait(epfd, 64, -1);
            } catch (SysException e) {
                LOG.error("{}: epoll_wait failed, retrying: {}", name, e.getMessage());
                sleepQuietly();
                continue;
            }
            for (Epoll.Event ev : events) {
                if (ev.token() == WAKE_TOKEN) {
                    drainWake();
                } else {
                    handle(ev.token());
                }
            }
        }
    }

    /** One container's readiness; whatever goes wrong affects that container only. */
    private void handle(long token) {
        lock.lock();
        try {
            Entry e = byToken.get(token);
            if (e == null || closed) return; // removed after epoll_wait returned
            react(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Handles whatever is pending for the container now, on the caller's thread: an exit handler
     * calls it so that the OOM that killed a process is told before the process's exit.
     */
    void poll(String id) {
        lock.lock();
        try {
            Entry e = byId.get(id);
            if (e != null && !closed) react(e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lock held. The listener runs under the lock too (it only queues an event), so an OOM read by
     * one thread is always told before another thread's poll of the same container returns.
     */
    private void react(Entry e) {
        Outcome o;
        try {
            o = e.source().ready();
        } catch (Exception ex) {
            LOG.warn("container {}: OOM watch failed, no longer watching: {}", e.id(), ex.toString());
            o = Outcome.DROP;
        }
        if (o == Outcome.DROP || o == Outcome.FIRE_AND_DROP) drop(e);
        if (o == Outcome.FIRE || o == Outcome.FIRE_AND_DROP) {
            LOG.debug("container {}: OOM event", e.id());
            try {
                listener.onOom(e.id());
            } catch (RuntimeException ex) {
                LOG.warn("container {}: OOM listener failed: {}", e.id(), ex.toString());
            }
        }
    }

    private void drainWake() {
        try {
            EventFd.read(wakefd);
        } catch (SysException e) {
            LOG.debug("{}: wake eventfd: {}", name, e.getMessage());
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
        } finally {
            lock.unlock();
        }
        try {
            EventFd.write(wakefd, 1);
        } catch (SysException e) {
            LOG.warn("{}: cannot wake the loop: {}", name, e.getMessage());
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lock.lock();
        try {
            for (Entry e : new ArrayList<>(byId.values())) drop(e);
        } finally {
            lock.unlock();
        }
        if (thread.isAlive() && Thread.currentThread() != thread) {
            // still inside epoll_wait: closing epfd under it would be unsafe, leave the two fds be
            LOG.warn("{}: loop thread did not stop; its epoll fd is left open", name);
            return;
        }
        Posix.closeQuietly(wakefd);
        Posix.closeQuietly(epfd);
    }
}
