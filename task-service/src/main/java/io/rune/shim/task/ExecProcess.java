package io.rune.shim.task;

/** An additional process started in the container with rune exec; spec is the OCI Process JSON. */
final class ExecProcess extends ContainerProcess {
    final String execId;
    final byte[] spec;

    ExecProcess(String execId, StdioPaths stdio, byte[] spec) {
        super(stdio, null);
        this.execId = execId;
        this.spec = spec;
    }

    @Override
    String processId() {
        return execId;
    }
}
