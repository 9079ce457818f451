package io.rune.shim.task;

import io.rune.shim.api.types.Mount;
import io.rune.shim.runc.Rune;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One container of this daemon. {@code lock} orders the lifecycle: Start holds it while rune
 * starts the process and /tasks/start is queued, and exit handling takes it, so a fast exit is
 * always published after its start.
 */
final class Container {
    final String id;
    final Path bundle;
    final List<Mount> rootfs;
    final Rune rune;
    final RuntimeOptions options;
    /** No private pid namespace: at init exit, kill what is left of the container first. */
    final boolean sharedPidNamespace;
    final InitProcess init;
    final ReentrantLock lock = new ReentrantLock();

    Container(String id, Path bundle, List<Mount> rootfs, Rune rune, RuntimeOptions options,
              boolean sharedPidNamespace, InitProcess init) {
        this.id = id;
        this.bundle = bundle;
        this.rootfs = rootfs;
        this.rune = rune;
        this.options = options;
        this.sharedPidNamespace = sharedPidNamespace;
        this.init = init;
    }

    Path rootfsPath() {
        return bundle.resolve("rootfs");
    }
}
