package io.rune.shim.task;

import io.rune.shim.api.events.TaskCreate;
import io.rune.shim.api.events.TaskDelete;
import io.rune.shim.api.events.TaskExecAdded;
import io.rune.shim.api.events.TaskExecStarted;
import io.rune.shim.api.events.TaskExit;
import io.rune.shim.api.events.TaskIO;
import io.rune.shim.api.events.TaskOOM;
import io.rune.shim.api.events.TaskPaused;
import io.rune.shim.api.events.TaskResumed;
import io.rune.shim.api.events.TaskStart;
import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.api.types.Mount;
import io.rune.shim.stdio.StdioPaths;
import java.util.List;

/** The task events containerd expects, by topic, built in one place. */
final class TaskEvents {
    private final EventSink sink;

    TaskEvents(EventSink sink) {
        this.sink = sink;
    }

    void created(String id, Bundle bundle, List<Mount> rootfs, StdioPaths stdio, String checkpoint, int pid) {
        sink.publish("/tasks/create", TaskCreate.newBuilder().setContainerId(id).setBundle(bundle.toString())
                .addAllRootfs(rootfs)
                .setIo(TaskIO.newBuilder().setStdin(stdio.stdin()).setStdout(stdio.stdout())
                        .setStderr(stdio.stderr()).setTerminal(stdio.terminal()))
                .setCheckpoint(checkpoint).setPid(pid).build());
    }

    void started(String id, int pid) {
        sink.publish("/tasks/start", TaskStart.newBuilder().setContainerId(id).setPid(pid).build());
    }

    void execAdded(String id, String execId) {
        sink.publish("/tasks/exec-added", TaskExecAdded.newBuilder().setContainerId(id).setExecId(execId).build());
    }

    void execStarted(String id, String execId, int pid) {
        sink.publish("/tasks/exec-started", TaskExecStarted.newBuilder().setContainerId(id).setExecId(execId)
                .setPid(pid).build());
    }

    void exited(String id, String processId, ProcessExit exit) {
        sink.publish("/tasks/exit", TaskExit.newBuilder().setContainerId(id).setId(processId).setPid(exit.pid())
                .setExitStatus(exit.status()).setExitedAt(Timestamps.of(exit.exitedAt())).build());
    }

    void paused(String id) {
        sink.publish("/tasks/paused", TaskPaused.newBuilder().setContainerId(id).build());
    }

    void resumed(String id) {
        sink.publish("/tasks/resumed", TaskResumed.newBuilder().setContainerId(id).build());
    }

    void deleted(String id, DeleteResponse r) {
        sink.publish("/tasks/delete", TaskDelete.newBuilder().setContainerId(id).setPid(r.getPid())
                .setExitStatus(r.getExitStatus()).setExitedAt(r.getExitedAt()).build());
    }

    void oom(String id) {
        sink.publish("/tasks/oom", TaskOOM.newBuilder().setContainerId(id).build());
    }
}
