package io.rune.shim.task;

import io.rune.shim.api.types.Mount;
import io.rune.shim.runc.Rune;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One container of this daemon: its init and exec processes. {@code lock} orders the lifecycle:
 * Start holds it while rune starts a process and its start event is queued, and exit handling
 * takes it, so a fast exit is always published after its start.
 */
final class Container {
    final String id;
    final Path bundle;
    final List<Mount> rootfs;
    final Rune rune;
    final RuntimeOptions options;
    /** No private pid namespace: at init exit, kill what is left of the container first. */
    final boolean sharedPidNamespace;
    final InitProcess init;
    final Map<String, ExecProcess> execs = new ConcurrentHashMap<>();
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a running exec's exit was published (the init's exit waits for them). */
    final Condition execExited = lock.newCondition();
    /** The init's cgroup, found once its pid is known (null if it could not be found). */
    volatile io.rune.shim.cgroups.Cgroup cgroup;
    /** Execs started and not yet exited (guarded by lock). */
    int runningExecs;

    Container(String id, Path bundle, List<Mount> rootfs, Rune rune, RuntimeOptions options,
              boolean sharedPidNamespace, InitProcess init) {
        this.id = id;
        this.bundle = bundle;
        this.rootfs = rootfs;
        this.rune = rune;
        this.options = options;
        this.sharedPidNamespace = sharedPidNamespace;
        this.init = init;
    }

    Path rootfsPath() {
        return bundle.resolve("rootfs");
    }

    ContainerProcess process(String execId) {
        if (execId.isEmpty()) return init;
        ExecProcess e = execs.get(execId);
        if (e == null) throw ShimError.processDoesNotExist(execId);
        return e;
    }
}
