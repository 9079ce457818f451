package io.rune.shim.oom;

import io.rune.shim.cgroups.Cgroup;
import io.rune.shim.cgroups.V2Cgroup;
import io.rune.shim.sys.Inotify;
import io.rune.shim.sys.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup v2 OOM notification (docs/protocol.md §8.2): inotify IN_MODIFY on memory.events and cgroup.events,
 * one inotify fd per container in the shared epoll loop. An OOM is reported when the oom_kill counter
 * grows past the last value seen (the value at registration to begin with); watching stops when the
 * cgroup is no longer populated or its files vanish.
 */
final class V2OomWatcher implements OomWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(V2OomWatcher.class);

    private final EpollLoop loop;

    V2OomWatcher(OomListener listener) throws IOException {
        this.loop = new EpollLoop("oom-v2-inotify", listener);
    }

    @Override
    public void register(String containerId, Cgroup cgroup) throws IOException {
        if (!(cgroup instanceof V2Cgroup v2)) throw new IllegalArgumentException("not a cgroup v2: " + cgroup);
        Path dir = v2.path();
        Path events = dir.resolve("memory.events");
        if (!Files.exists(events)) {
            throw new IOException("container " + containerId + ": " + events + " missing (memory controller not enabled)");
        }
        int fd = Inotify.init();
        try {
            Inotify.addWatch(fd, events.toString(), Inotify.IN_MODIFY);
            Inotify.addWatch(fd, dir.resolve("cgroup.events").toString(), Inotify.IN_MODIFY);
            // read after the watches exist, so an OOM right now is either counted here or seen as an event
            long start = oomKill(events).orElse(0);
            Watch w = new Watch(containerId, fd, dir, start);
            loop.add(containerId, fd, w::ready);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(fd);
            throw e;
        }
        LOG.debug("container {}: watching {} for OOM kills", containerId, events);
    }

    /** Per-container state, touched only by the loop thread (under its lock). */
    private static final class Watch {
        private final String id;
        private final int fd;
        private final Path dir;
        private long lastOomKill;

        Watch(String id, int fd, Path dir, long start) {
            this.id = id;
            this.fd = fd;
            this.dir = dir;
            this.lastOomKill = start;
        }

        EpollLoop.Outcome ready() throws IOException {
            boolean gone = false;
            for (Inotify.Event e : Inotify.read(fd)) {
                if ((e.mask() & Inotify.IN_IGNORED) != 0) gone = true; // watched file removed
            }
            boolean fire = false;
            try {
                OptionalLong v = oomKill(dir.resolve("memory.events"));
                // compare first, then check populated: the OOM kill itself usually empties the cgroup
                if (v.isPresent() && Long.compareUnsigned(v.getAsLong(), lastOomKill) > 0) {
                    LOG.info("container {}: oom_kill {} -> {}", id, lastOomKill, v.getAsLong());
                    lastOomKill = v.getAsLong();
                    fire = true;
                }
                if (!populated(dir.resolve("cgroup.events"))) gone = true;
            } catch (NoSuchFileException e) {
                gone = true;
            }
            if (gone) LOG.debug("container {}: cgroup {} emptied or removed, OOM watch closed", id, dir);
            if (fire) return gone ? EpollLoop.Outcome.FIRE_AND_DROP : EpollLoop.Outcome.FIRE;
            return gone ? EpollLoop.Outcome.DROP : EpollLoop.Outcome.NOTHING;
        }
    }

    /** oom_kill of memory.events; empty when the line is missing (e.g. a file caught mid-rewrite). */
    static OptionalLong oomKill(Path memoryEvents) throws IOException {
        return value(memoryEvents, "oom_kill");
    }

    /** cgroup.events "populated 0" means no process is left; an unreadable line counts as populated. */
    static boolean populated(Path cgroupEvents) throws IOException {
        return value(cgroupEvents, "populated").orElse(1) != 0;
    }

    private static OptionalLong value(Path file, String key) throws IOException {
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[0].equals(key)) {
                try {
                    return OptionalLong.of(Long.parseUnsignedLong(f[1]));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }

    @Override
    public void poll(String containerId) {
        loop.poll(containerId);
    }

    @Override
    public void unregister(String containerId) {
        if (loop.remove(containerId)) LOG.debug("container {}: OOM watch closed", containerId);
    }

    boolean watching(String containerId) {
        return loop.watching(containerId);
    }

    @Override
    public void close() {
        loop.close();
    }
}
