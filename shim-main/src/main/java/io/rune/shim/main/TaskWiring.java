package io.rune.shim.main;

import io.rune.shim.carrier.ReaperCommandRunner;
import io.rune.shim.reaper.Child;
import io.rune.shim.reaper.Reaper;
import io.rune.shim.runc.ReaperMonitor;
import io.rune.shim.stdio.HelperLauncher;
import io.rune.shim.sys.SpawnRequest;
import io.rune.shim.task.EventSink;
import io.rune.shim.task.TaskPorts;
import io.rune.shim.task.TaskService;
import java.time.Duration;
import java.util.OptionalInt;

/** The task service on the reaper: its process ports, and the reaper's exits fed to it. */
final class TaskWiring {
    private TaskWiring() {}

    static TaskService taskService(String namespace, int shimPid, boolean debug, Reaper reaper, EventSink events,
                                   Runnable onLastContainerGone) {
        HelperLauncher helpers = (argv, env, fds) -> helper(reaper.spawn(new SpawnRequest(argv, env, null, fds, false, false)));
        TaskPorts ports = new TaskPorts(new ReaperMonitor(reaper, System.getenv()),
                new ReaperCommandRunner(reaper, System.getenv()), helpers);
        TaskService tasks = new TaskService(namespace, shimPid, debug, ports, events, onLastContainerGone);
        reaper.addListener(exit -> tasks.processExited(exit.pid(), exit.status(), exit.exitedAt()));
        return tasks;
    }

    private static HelperLauncher.Helper helper(Child child) {
        return new HelperLauncher.Helper() {
            public int pid() { return child.pid(); }

            public OptionalInt exitStatus() {
                return child.exit().isDone() ? OptionalInt.of(child.exit().join().status()) : OptionalInt.empty();
            }

            public boolean awaitExit(Duration timeout) throws InterruptedException {
                return child.await(timeout) != null;
            }
        };
    }
}
