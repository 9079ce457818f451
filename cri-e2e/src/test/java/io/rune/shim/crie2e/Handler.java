package io.rune.shim.crie2e;

import io.rune.shim.testsupport.ShimSocket;
import io.rune.shim.testsupport.SuiteProperties;
import java.nio.file.Path;

/**
 * A CRI runtime handler of the private containerd ({@code RunPodSandboxRequest.runtime_handler}).
 *
 * @param name        handler name, the key under {@code containerd.runtimes}
 * @param runtimeType its {@code runtime_type}
 * @param stateRoot   where its runc/rune CLI keeps container state ({@code <root>/k8s.io/<id>})
 */
record Handler(String name, String runtimeType, Path stateRoot) {
    /** The reference: containerd's own runc shim. */
    static final Handler RUNC = new Handler("runc", "io.containerd.runc.v2", Path.of("/run/containerd/runc"));
    /**
     * The shim under test. Its runtime options come as CRI {@code runtimeoptions.v1.Options} whose
     * {@code config_path} names a TOML file setting this root (not the shim's default), so a shim that
     * ignored the options would be seen keeping its state elsewhere.
     */
    static final Handler RUNE = new Handler("rune", "io.containerd.rune.v2", Path.of("/run/containerd/rune-cri"));

    /**
     * The socket of the daemon serving a pod (its group is the sandbox id): the Go shim's group
     * socket, or, for the shim under test run with {@code -De2e.scope=namespace} (its ShimScope set
     * node-wide), the one socket of its namespace daemon.
     */
    Path shimSocket(Path address, String group) {
        boolean namespaceScope = this.equals(RUNE) && "namespace".equals(SuiteProperties.get("e2e.scope", "group"));
        return namespaceScope ? ShimSocket.ofNamespace(address, CriContainerd.NAMESPACE)
                : ShimSocket.of(address, CriContainerd.NAMESPACE, group);
    }

    /** The binary name containerd derives from the runtime type. */
    String binaryName() {
        return ShimSocket.binaryName(runtimeType);
    }

    @Override
    public String toString() {
        return name;
    }
}
