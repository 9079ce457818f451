package io.rune.shim.e2e;

import java.nio.file.Path;

/**
 * A containerd runtime name plus what the tests need to know about it.
 *
 * @param name      runtime name passed to {@code ctr run --runtime}
 * @param tag       short prefix for container ids ("ut" = under test, "ref" = reference)
 * @param stateRoot rune/runc {@code --root} base; the state dir of a container is {@code <stateRoot>/<ns>/<id>}
 */
public record ShimRuntime(String name, String tag, Path stateRoot) {

    /** The binary name containerd derives from the runtime name (fact sheet 1.1). */
    public String binaryName() {
        String[] parts = name.split("\\.");
        return "containerd-shim-" + parts[parts.length - 2] + "-" + parts[parts.length - 1];
    }

    @Override
    public String toString() {
        return tag + "(" + name + ")";
    }
}
