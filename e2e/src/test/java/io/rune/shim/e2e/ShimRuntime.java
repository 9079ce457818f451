package io.rune.shim.e2e;

import io.rune.shim.testsupport.ProcScan;
import io.rune.shim.testsupport.ShimSocket;
import java.util.List;
import java.nio.file.Path;

/**
 * A containerd runtime name plus what the tests need to know about it.
 *
 * @param name      runtime name passed to {@code ctr run --runtime}
 * @param tag       short prefix for container ids ("ut" = under test, "ref" = reference)
 * @param stateRoot rune/runc {@code --root} base; the state dir of a container is {@code <stateRoot>/<ns>/<id>}
 * @param namespaceScope the runtime runs one daemon per containerd address and namespace (the shim's
 *                       {@code ShimScope = "namespace"}, set node-wide for the suite's second run)
 */
public record ShimRuntime(String name, String tag, Path stateRoot, boolean namespaceScope) {

    public ShimRuntime(String name, String tag, Path stateRoot) {
        this(name, tag, stateRoot, false);
    }

    /** Where the daemon serving a container of this group (or id) listens. */
    public Path socketFor(Path address, String namespace, String groupOrId) {
        return namespaceScope ? ShimSocket.ofNamespace(address, namespace) : ShimSocket.of(address, namespace, groupOrId);
    }

    /**
     * The shim processes serving container id: those started for it (-id), or in namespace scope
     * the namespace's daemon, whichever container it was started for (its -socket tells).
     */
    public List<Long> shimPids(Path address, String namespace, String id) {
        if (!namespaceScope) return ProcScan.shimPids(address, id);
        String socket = ShimSocket.ofNamespace(address, namespace).toString();
        return ProcScan.shims(address).stream().filter(p -> socket.equals(ProcScan.flag(p.argv(), "socket")))
                .map(ProcScan.Proc::pid).toList();
    }

    /** The binary name containerd derives from the runtime name. */
    public String binaryName() {
        return ShimSocket.binaryName(name);
    }

    @Override
    public String toString() {
        return tag + "(" + name + (namespaceScope ? ", namespace scope" : "") + ")";
    }
}
