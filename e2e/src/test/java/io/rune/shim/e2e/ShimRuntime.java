package io.rune.shim.e2e;

import io.rune.shim.testsupport.ShimSocket;
import java.nio.file.Path;

/**
 * A containerd runtime name plus what the tests need to know about it.
 *
 * @param name      runtime name passed to {@code ctr run --runtime}
 * @param tag       short prefix for container ids ("ut" = under test, "ref" = reference)
 * @param stateRoot rune/runc {@code --root} base; the state dir of a container is {@code <stateRoot>/<ns>/<id>}
 */
public record ShimRuntime(String name, String tag, Path stateRoot) {

    /** The binary name containerd derives from the runtime name. */
    public String binaryName() {
        return ShimSocket.binaryName(name);
    }

    @Override
    public String toString() {
        return tag + "(" + name + ")";
    }
}
