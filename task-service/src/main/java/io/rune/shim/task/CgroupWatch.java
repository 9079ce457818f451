package io.rune.shim.task;

import io.rune.shim.api.task.StatsResponse;
import io.rune.shim.cgroups.Cgroup;
import io.rune.shim.cgroups.CgroupNotFoundException;
import io.rune.shim.cgroups.V2Cgroup;
import io.rune.shim.oom.OomWatcher;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The containers' cgroups: found from the init pid, read for Stats, watched for OOM kills. */
final class CgroupWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupWatch.class);
    private final OomWatcher oom;

    CgroupWatch(TaskEvents events) {
        // the watcher thread only queues the event: the publisher forwards it in order
        this.oom = OomWatcher.create(id -> {
            LOG.info("id={} call=oom", id);
            events.oom(id);
        });
    }

    /** The cgroup of a container's init, or null (logged) when it cannot be found. */
    Cgroup find(String id, int pid) {
        try {
            return Cgroup.forPid(pid);
        } catch (IOException | RuntimeException e) {
            LOG.warn("id={} call=cgroup pid={} not found: {}", id, pid, e.getMessage());
            return null;
        }
    }

    /** OOM events from Start on (as the Go shim); on cgroup v2 the controllers are enabled down to the container. */
    void watch(Container c) {
        Cgroup cg = c.cgroup;
        if (cg == null) return;
        try {
            if (cg instanceof V2Cgroup v2) v2.enableControllers();
        } catch (IOException | RuntimeException e) {
            LOG.warn("id={} call=cgroup enable controllers: {}", c.id, e.getMessage());
        }
        try {
            oom.register(c.id, cg);
        } catch (IOException | RuntimeException e) {
            LOG.warn("id={} call=oom register: {}", c.id, e.getMessage());
        }
    }

    /** An OOM of the container not yet told is told now: before the exit it caused. */
    void flushOom(Container c) {
        oom.poll(c.id);
    }

    void forget(Container c) {
        oom.unregister(c.id);
    }

    static StatsResponse stats(Container c) throws IOException {
        Cgroup cg = c.cgroup;
        if (cg == null) throw ShimError.notFound("cgroup does not exist");
        try {
            return StatsResponse.newBuilder().setStats(cg.statsAny()).build();
        } catch (CgroupNotFoundException e) {
            throw ShimError.notFound("cgroup does not exist");
        }
    }

    @Override
    public void close() {
        try {
            oom.close();
        } catch (Exception e) {
            LOG.warn("call=Shutdown closing the OOM watcher: {}", e.getMessage());
        }
    }
}
