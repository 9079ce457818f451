package io.rune.shim.frame;

import io.rune.shim.api.task.DeleteResponse;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a runtime adds to the shim frame. The frame owns the process side of the shim v2
 * protocol (flags, {@code start}, {@code delete}, the daemon, events, child reaping); the
 * manager owns the runtime: which options it reads, how it cleans up a container, and the ttrpc
 * services the daemon serves.
 */
public interface ShimManager {
    /** The runtime name containerd knows the shim by (e.g. {@code io.containerd.rune.v2}); prefixes errors and log lines. */
    String name();

    /** What {@code -v} prints, line breaks included. */
    String versionText();

    /** How to start this program again as the daemon. */
    Relaunch relaunch();

    /**
     * What {@code start} needs from the runtime options containerd wrote to stdin (a protobuf Any;
     * empty when containerd sent none) and the node's configuration. Bad options fail {@code start}.
     */
    StartOptions startOptions(byte[] options) throws IOException;

    /**
     * {@code delete}: clean up after a container whose daemon is gone or done. Problems that do not
     * stop the answer go to {@code warnings} (containerd logs them as cleanup warnings).
     */
    DeleteResponse delete(Flags flags, Path bundle, PrintStream warnings) throws Exception;

    /**
     * {@code -info} (containerd 2.x): the serialized {@code containerd.types.RuntimeInfo} for the
     * runtime options on stdin (a protobuf Any; empty when none). Bad options fail it.
     */
    byte[] info(byte[] options) throws Exception;

    /** Called once in the daemon, before it accepts connections: build the services to serve. */
    ShimService serve(DaemonContext context) throws Exception;

    /**
     * Runs on a helper thread as the daemon starts, beside its own set-up: initialise what serving
     * will need (message descriptors, JSON mappers) so that it is ready when the first call comes.
     */
    default void warmUp() {}

    /**
     * A waiting spare daemon runs this (docs/launcher.md, "Spare daemons"): exercise what serving a
     * container runs, without touching anything of containerd's, so that the first calls of a real
     * container do not pay for first runs of the code. Must leave logging alone, and stop soon after
     * {@code cancelled} turns true (the spare was adopted: a real container needs the CPU now).
     */
    default void rehearse(java.util.function.BooleanSupplier cancelled) throws Exception {}

    /** Action words of this runtime besides start and delete (e.g. {@code train}); any other word runs the daemon. */
    default Map<String, ShimAction> actions() {
        return Map.of();
    }
}
