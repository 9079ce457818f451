package io.rune.shim.e2e;

import com.google.protobuf.Any;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.rune.shim.e2e.tasks.CheckpointTaskRequest;
import io.rune.shim.e2e.tasks.CreateTaskRequest;
import io.rune.shim.e2e.tasks.Descriptor;
import io.rune.shim.e2e.tasks.StartRequest;
import io.rune.shim.e2e.tasks.TasksGrpc;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * containerd's Tasks API over gRPC (the unix socket, namespace in the {@code containerd-namespace}
 * header), for what ctr cannot do with a runtime not named io.containerd.runc*: checkpoint options, and
 * a task created from a checkpoint or an image path. Calls answer a {@link Call}: ok, or the gRPC error.
 */
final class TasksApi implements AutoCloseable {
    private static final long RPC_SECONDS = 120;

    /** One call's result: ok with a pid / descriptor count, or the gRPC status code and message. */
    record Call(boolean ok, int value, String error) {
        static Call ok(int value) {
            return new Call(true, value, "");
        }

        static Call failed(StatusRuntimeException e) {
            return new Call(false, 0, e.getStatus().getCode() + ": " + e.getStatus().getDescription());
        }

        @Override
        public String toString() {
            return ok ? "ok(" + value + ")" : "failed(" + error + ")";
        }
    }

    private final ManagedChannel channel;
    private final TasksGrpc.TasksBlockingStub stub;

    TasksApi(Path address, String namespace) {
        channel = Grpc.newChannelBuilder("unix://" + address, InsecureChannelCredentials.create()).build();
        Metadata md = new Metadata();
        md.put(Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER), namespace);
        stub = TasksGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    }

    /** Tasks.Checkpoint with the options a client built; the value is the number of content-store descriptors. */
    Call checkpoint(String id, Any options) {
        CheckpointTaskRequest.Builder r = CheckpointTaskRequest.newBuilder().setContainerId(id);
        if (options != null) r.setOptions(options);
        try {
            return Call.ok(rpc().checkpoint(r.build()).getDescriptorsCount());
        } catch (StatusRuntimeException e) {
            return Call.failed(e);
        }
    }

    /**
     * Tasks.Create of an existing container with null IO (empty stdio), from a content-store checkpoint
     * (may be null) and/or with task options (may be null); the value is the pid (0 for a restore).
     */
    Call create(String id, Descriptor checkpoint, Any options) {
        CreateTaskRequest.Builder r = CreateTaskRequest.newBuilder().setContainerId(id);
        if (checkpoint != null) r.setCheckpoint(checkpoint);
        if (options != null) r.setOptions(options);
        try {
            return Call.ok(rpc().create(r.build()).getPid());
        } catch (StatusRuntimeException e) {
            return Call.failed(e);
        }
    }

    Call start(String id) {
        try {
            return Call.ok(rpc().start(StartRequest.newBuilder().setContainerId(id).build()).getPid());
        } catch (StatusRuntimeException e) {
            return Call.failed(e);
        }
    }

    private TasksGrpc.TasksBlockingStub rpc() {
        return stub.withDeadlineAfter(RPC_SECONDS, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
