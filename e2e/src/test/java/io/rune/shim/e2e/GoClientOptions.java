package io.rune.shim.e2e;

import com.google.protobuf.Any;
import com.google.protobuf.MessageLite;
import io.rune.shim.api.Anys;

/**
 * Checkpoint and restore options as containerd's Go client builds them (WithCheckpointImagePath,
 * WithRestoreImagePath and friends): {@code containerd.runc.v1.*} for a runtime name starting
 * io.containerd.runc, the legacy {@code containerd.linux.runc.*} messages for any other (docs/protocol.md
 * §1.3). Type URLs as Go's typeurl writes them: the bare message name.
 */
final class GoClientOptions {
    private GoClientOptions() {}

    static boolean runcName(ShimRuntime rt) {
        return rt.name().startsWith("io.containerd.runc");
    }

    /** Options of Tasks.Checkpoint: exit after the dump, CRIU image and work dirs (empty = not set). */
    static Any checkpoint(ShimRuntime rt, boolean exit, String imagePath, String workPath) {
        if (runcName(rt)) {
            return any("containerd.runc.v1.CheckpointOptions", io.rune.shim.api.runc.CheckpointOptions.newBuilder()
                    .setExit(exit).setImagePath(imagePath).setWorkPath(workPath).build());
        }
        return any("containerd.linux.runc.CheckpointOptions", io.rune.shim.api.runc.legacy.CheckpointOptions.newBuilder()
                .setExit(exit).setImagePath(imagePath).setWorkPath(workPath).build());
    }

    /** Task options of Tasks.Create that restore from an image path. */
    static Any restore(ShimRuntime rt, String imagePath, String workPath) {
        if (runcName(rt)) {
            return any("containerd.runc.v1.Options", io.rune.shim.api.runc.Options.newBuilder()
                    .setCriuImagePath(imagePath).setCriuWorkPath(workPath).build());
        }
        return any("containerd.linux.runc.CreateOptions", io.rune.shim.api.runc.legacy.CreateOptions.newBuilder()
                .setCriuImagePath(imagePath).setCriuWorkPath(workPath).build());
    }

    /** Type URLs spelled out here, not taken from the shim's registry: the test states what Go sends. */
    private static Any any(String typeUrl, MessageLite m) {
        return Anys.pack(typeUrl, m);
    }
}
