package io.rune.shim.task;

import io.rune.shim.api.events.TaskExit;
import io.rune.shim.reaper.Exit;
import io.rune.shim.runc.RuneException;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a container process was reaped: the rest of a container without a pid
 * namespace is killed, a frozen cgroup thawed, the output drained, the state set, and /tasks/exit
 * published under the container's lock (so after the process's start event, and an init's exit
 * after its execs' exits). Runs on a thread of its own per exit, never on the reaping thread.
 */
final class ExitHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ExitHandler.class);
    private static final Duration IO_DRAIN = Duration.ofSeconds(2);
    /** How long an init's exit waits for the exits of its execs to be published first. */
    private static final Duration EXEC_EXITS_FIRST = Duration.ofSeconds(2);
    private final EventSink events;

    ExitHandler(EventSink events) {
        this.events = events;
    }

    void initExited(Container c, Exit exit) {
        InitProcess p = c.init;
        if (c.sharedPidNamespace) {
            // without a pid namespace the init's children outlive it: take them down too
            try {
                c.rune.kill(c.id, 9, true);
            } catch (RuneException | IOException e) {
                LOG.debug("id={} call=exit kill --all: {}", c.id, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (p.state == ProcessState.PAUSED || p.state == ProcessState.PAUSING) {
            // a frozen cgroup keeps its dead; thaw it so everything can go (the Go shim does the same)
            try {
                c.rune.resume(c.id);
            } catch (RuneException | IOException e) {
                LOG.debug("id={} call=exit resume: {}", c.id, e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // deliver all output before containerd learns of the exit
        if (!p.io.awaitOutput(IO_DRAIN)) LOG.warn("id={} call=exit output not drained within {}", c.id, IO_DRAIN);
        c.lock.lock();
        try {
            // the init's exit is published after the exits of its execs
            long wait = EXEC_EXITS_FIRST.toNanos();
            while (c.runningExecs > 0 && wait > 0) wait = c.execExited.awaitNanos(wait);
            p.exit = exit;
            if (p.state != ProcessState.DELETED) p.state = ProcessState.STOPPED;
            publishExit(c, p, exit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            c.lock.unlock();
        }
        p.exited.complete(exit);
        LOG.info("id={} call=exit pid={} status={}", c.id, exit.pid(), exit.status());
    }

    void execExited(Container c, ExecProcess e, Exit exit) {
        if (!e.io.awaitOutput(IO_DRAIN)) LOG.warn("id={} exec={} call=exit output not drained", c.id, e.execId);
        c.lock.lock();
        try {
            e.exit = exit;
            if (e.state != ProcessState.DELETED) e.state = ProcessState.STOPPED;
            publishExit(c, e, exit);
            c.runningExecs--;
            c.execExited.signalAll();
        } finally {
            c.lock.unlock();
        }
        e.exited.complete(exit);
        LOG.info("id={} exec={} call=exit pid={} status={}", c.id, e.execId, exit.pid(), exit.status());
    }

    private void publishExit(Container c, ContainerProcess p, Exit exit) {
        events.publish("/tasks/exit", TaskExit.newBuilder().setContainerId(c.id).setId(p.processId()).setPid(exit.pid())
                .setExitStatus(exit.status()).setExitedAt(Timestamps.of(exit.exitedAt())).build());
    }
}
