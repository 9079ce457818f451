package io.rune.shim.task;

import io.rune.shim.api.Code;
import io.rune.shim.api.Identifiers;
import io.rune.shim.api.types.Mount;
import io.rune.shim.cgroups.Cgroup;
import io.rune.shim.runc.Rune;
import io.rune.shim.stdio.ProcessStdio;
import io.rune.shim.stdio.StdioPaths;
import java.time.Duration;
import java.util.Collection;
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
    final Bundle bundle;
    final List<Mount> rootfs;
    final Rune rune;
    final RuntimeOptions options;
    /** No private pid namespace: at init exit, kill what is left of the container first. */
    final boolean sharedPidNamespace;
    final TaskContext ctx;
    final InitProcess init;
    private final Map<String, ExecProcess> execs = new ConcurrentHashMap<>();
    final ReentrantLock lock = new ReentrantLock();
    /** Signalled when a running exec's exit was published (the init's exit waits for them). */
    private final Condition execExited = lock.newCondition();
    /** The init's cgroup, found once its pid is known (null if it could not be found). */
    volatile Cgroup cgroup;
    /** Execs started and not yet exited (guarded by lock). */
    private int runningExecs;

    Container(String id, Bundle bundle, List<Mount> rootfs, Rune rune, RuntimeOptions options,
              boolean sharedPidNamespace, TaskContext ctx, StdioPaths stdio, ProcessStdio io, InitState initial) {
        this.id = id;
        this.bundle = bundle;
        this.rootfs = rootfs;
        this.rune = rune;
        this.options = options;
        this.sharedPidNamespace = sharedPidNamespace;
        this.ctx = ctx;
        this.init = new InitProcess(this, stdio, io, initial);
    }

    /** The init for an empty exec id, else that exec; NotFound as the Go shim words it. */
    Process process(String execId) {
        if (execId.isEmpty()) return init;
        ExecProcess e = execs.get(execId);
        if (e == null) throw ShimError.processDoesNotExist(execId);
        return e;
    }

    Collection<ExecProcess> execs() {
        return execs.values();
    }

    ProcessStdio openStdio(String name, StdioPaths paths) throws java.io.IOException {
        return ctx.openStdio(name, paths, id, options);
    }

    /** Exec: registers the process (not started yet); AlreadyExists for a known exec id. */
    void addExec(String execId, StdioPaths stdio, byte[] spec) {
        lock.lock();
        try {
            init.checkExec();
            if (execId.isEmpty()) throw ShimError.invalidArgument("exec id must not be empty");
            String bad = Identifiers.problem(execId); // it names the pid file in the bundle: never a path outside
            if (bad != null) throw ShimError.invalidArgument(bad);
            if (execs.containsKey(execId)) throw new ShimError(Code.ALREADY_EXISTS, "id " + execId + ": already exists");
            execs.put(execId, new ExecProcess(this, execId, stdio, spec));
            ctx.events().execAdded(id, execId);
        } finally {
            lock.unlock();
        }
    }

    void removeExec(String execId) {
        execs.remove(execId);
    }

    /** At the init's Delete: the execs' stdio goes with the container. */
    void closeExecStdio() {
        for (ExecProcess e : execs.values()) {
            ProcessStdio io = e.io;
            if (io != null) io.close();
        }
    }

    // guarded by lock
    void execStarted() {
        runningExecs++;
    }

    // guarded by lock
    void execExited() {
        runningExecs--;
        execExited.signalAll();
    }

    /** With the lock held: waits (at most the timeout) until no started exec is left running. */
    void awaitExecExits(Duration timeout) throws InterruptedException {
        long wait = timeout.toNanos();
        while (runningExecs > 0 && wait > 0) wait = execExited.awaitNanos(wait);
    }
}
