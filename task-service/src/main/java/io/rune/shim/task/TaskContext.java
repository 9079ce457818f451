package io.rune.shim.task;

import io.rune.shim.stdio.HelperLauncher;
import io.rune.shim.stdio.IoContext;

/** What the containers of one daemon share: namespace, the registry, events, exit routing, cgroup watch, helper launcher. */
record TaskContext(String namespace, Containers containers, TaskEvents events, ExitRouter exits, CgroupWatch cgroups, HelperLauncher helpers) {
    IoContext ioContext(String containerId, RuntimeOptions o) {
        return new IoContext(namespace, containerId, helpers, o.ioUid(), o.ioGid());
    }
}
