package io.rune.shim.main;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.frame.EventPublisher;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.task.OptionsDecoder;
import io.rune.shim.task.RuntimeOptions;
import io.rune.shim.task.ShimError;
import io.rune.shim.task.TaskPorts;
import io.rune.shim.task.TaskService;
import java.io.IOException;

/**
 * The rune manager's calls into task-service's construction API, in one place: the Task service
 * wired to the frame's runner, events and exits, and the runtime options' ShimCgroup.
 */
final class RuneTaskService {
    private RuneTaskService() {}

    /**
     * @param onLastContainerGone run by Shutdown when no container is left (the daemon exits)
     */
    static TaskService create(String namespace, int shimPid, boolean debug, ReaperCommands commands, EventPublisher events,
                              Runnable onLastContainerGone) {
        TaskPorts ports = new TaskPorts(new RuneMonitor(commands), new ToolRunner(commands), new LoggerLauncher(commands));
        TaskService tasks = new TaskService(namespace, shimPid, debug, ports, events::publish, onLastContainerGone);
        commands.onChildExit(e -> tasks.processExited(e.pid(), e.status(), e.exitedAt()));
        return tasks;
    }

    /** The runtime options containerd wrote to start's stdin; bad options fail start, as with the Go shim. */
    static RuntimeOptions options(byte[] options) throws IOException {
        try {
            return OptionsDecoder.decode(Any.parseFrom(options));
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("cannot decode runtime options on stdin: " + e.getMessage());
        } catch (ShimError e) {
            throw new IOException(e.getMessage());
        }
    }
}
