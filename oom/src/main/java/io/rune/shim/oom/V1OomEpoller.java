package io.rune.shim.oom;

import io.rune.shim.cgroups.Cgroup;
import io.rune.shim.cgroups.V1Cgroup;
import io.rune.shim.sys.EventFd;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cgroup v1 OOM notification (docs/protocol.md §8.1): an eventfd tied to memory.oom_control through
 * cgroup.event_control. The kernel signals it on every OOM in the cgroup, and once more when the
 * cgroup is removed; which one it was is told by whether the cgroup directory still exists.
 */
final class V1OomEpoller implements OomWatcher {
    private static final Logger LOG = LoggerFactory.getLogger(V1OomEpoller.class);

    private final EpollLoop loop;

    V1OomEpoller(OomListener listener) throws IOException {
        this.loop = new EpollLoop("oom-v1-epoller", listener);
    }

    @Override
    public void register(String containerId, Cgroup cgroup) throws IOException {
        if (!(cgroup instanceof V1Cgroup v1)) throw new IllegalArgumentException("not a cgroup v1: " + cgroup);
        Path mem = v1.memoryPath().orElseThrow(
                () -> new IOException("container " + containerId + " has no memory cgroup: OOM events cannot be watched"));
        // non-blocking as well: a read on a spurious wake-up must not stall every other container
        int efd = EventFd.create(0, EventFd.EFD_CLOEXEC | EventFd.EFD_NONBLOCK);
        try {
            arm(efd, mem);
            loop.add(containerId, efd, () -> ready(containerId, efd, mem));
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(efd);
            throw e;
        }
        LOG.debug("container {}: watching OOM events of {} (eventfd {})", containerId, mem, efd);
    }

    /** Writes "<eventfd> <oom_control fd> " (Go's form, trailing space) to cgroup.event_control. */
    private static void arm(int efd, Path mem) throws SysException {
        int ofd = Posix.open(mem.resolve("memory.oom_control").toString(), Posix.O_RDONLY, 0);
        try {
            int cfd = Posix.open(mem.resolve("cgroup.event_control").toString(), Posix.O_WRONLY, 0);
            try {
                Posix.writeFully(cfd, (efd + " " + ofd + " ").getBytes(StandardCharsets.US_ASCII));
            } finally {
                Posix.closeQuietly(cfd);
            }
        } finally {
            // the kernel holds its own reference to oom_control once registered
            Posix.closeQuietly(ofd);
        }
    }

    private static EpollLoop.Outcome ready(String id, int efd, Path mem) throws SysException {
        long n = EventFd.read(efd);
        if (!Files.isDirectory(mem)) {
            LOG.debug("container {}: memory cgroup {} removed, OOM watch closed", id, mem);
            return EpollLoop.Outcome.DROP;
        }
        if (n == 0) return EpollLoop.Outcome.NOTHING;
        LOG.info("container {}: OOM in memory cgroup {}", id, mem);
        return EpollLoop.Outcome.FIRE;
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

    boolean running() {
        return loop.running();
    }

    @Override
    public void close() {
        loop.close();
    }
}
