package io.rune.shim.crie2e;

import io.rune.shim.crie2e.cri.PodSandboxConfig;
import java.util.ArrayList;
import java.util.List;

/** One pod sandbox of a scenario: its handler, config, sandbox id and the ids of its containers. */
final class Pod {
    final Handler handler;
    final PodSandboxConfig config;
    final String cgroupParent;
    String id;
    /** RemovePodSandbox succeeded. */
    boolean removed;
    final List<String> containers = new ArrayList<>();

    Pod(Handler handler, PodSandboxConfig config, String cgroupParent) {
        this.handler = handler;
        this.config = config;
        this.cgroupParent = cgroupParent;
    }

    String name() {
        return config.getMetadata().getName();
    }

    /** Sandbox id first, then the containers. */
    List<String> ids() {
        List<String> all = new ArrayList<>();
        if (id != null) {
            all.add(id);
        }
        all.addAll(containers);
        return all;
    }

    @Override
    public String toString() {
        return handler + " pod " + name() + " " + id;
    }
}
