package io.rune.shim.main;

import io.rune.shim.api.Identifiers;
import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.frame.Flags;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.runc.Rune;
import io.rune.shim.runc.RuneException;
import io.rune.shim.sys.MountInfo;
import io.rune.shim.task.Bundle;
import io.rune.shim.task.Rootfs;
import io.rune.shim.task.RuntimeOptions;
import io.rune.shim.task.Timestamps;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code delete}: the cleanup containerd runs after a daemon's connection closed (also when the
 * daemon died). Idempotent: force-deletes the rune container, unmounts the rootfs, and answers
 * a DeleteResponse with exit status 137 as the Go shim does. Problems go to stderr, which
 * containerd logs as cleanup warnings.
 */
final class DeleteAction {
    private static final int SIGKILL_STATUS = 128 + 9;
    private final Flags flags;
    private final Path bundle;
    private final PrintStream warnings;

    DeleteAction(Flags flags, Path bundle, PrintStream warnings) {
        this.flags = flags;
        this.bundle = bundle;
        this.warnings = warnings;
    }

    DeleteResponse run() throws IOException, InterruptedException {
        for (String id : new String[] {flags.namespace(), flags.id()}) {
            String bad = Identifiers.problem(id); // both name rune's state dir: never a path outside its root
            if (bad != null) throw new IOException(bad + ": invalid argument");
        }
        Bundle b = Bundle.at(bundle);
        RuntimeOptions opts;
        try {
            opts = b.readOptions();
        } catch (IOException e) {
            warnings.print("reading " + bundle.resolve("options.json") + ": " + e.getMessage() + "; using defaults. ");
            opts = RuntimeOptions.DEFAULTS;
        }
        Path rootfs = b.rootfs();
        Path state = Bundle.runeState(opts, flags.namespace(), flags.id());
        if (!Files.exists(state) && !mounted(rootfs)) {
            // the daemon deleted the container cleanly (the usual case): nothing to clean up, so
            // no rune call and no native code on this path containerd waits for
            return response();
        }
        Rune rune = b.rune(opts, flags.namespace(), flags.debug(), new RuneMonitor(ReaperCommands.start()));
        try {
            rune.delete(flags.id(), true);
        } catch (RuneException e) {
            warnings.print("failed to remove runc container: " + e.getMessage() + ". ");
        }
        try {
            Rootfs.unmountAll(rootfs);
        } catch (IOException e) {
            warnings.print("failed to cleanup rootfs mount: " + e.getMessage() + ". ");
        }
        return response();
    }

    private DeleteResponse response() {
        // never created: pid -1 (uint32 max), as the Go shim sends
        int pid = Bundle.at(bundle).initPidOrMinusOne();
        return DeleteResponse.newBuilder().setPid(pid).setExitStatus(SIGKILL_STATUS)
                .setExitedAt(Timestamps.of(Instant.now())).build();
    }

    static boolean mounted(Path path) {
        return MountInfo.isMountPoint(path);
    }
}
