package io.rune.shim.task;

/** The container's init process. */
final class InitProcess extends ContainerProcess {
    private final String containerId;
    /** Set when the container is to be restored from this checkpoint image at Start. */
    volatile String restoreFrom;
    volatile String restoreParent;

    InitProcess(String containerId, StdioPaths stdio, ProcessStdio io) {
        super(stdio, io);
        this.containerId = containerId;
    }

    @Override
    String processId() {
        return containerId;
    }
}
