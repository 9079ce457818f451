package io.rune.shim.task;

import io.rune.shim.stdio.HelperLauncher;
import io.rune.shim.api.Code;
import io.rune.shim.stdio.IoContext;
import io.rune.shim.stdio.ProcessStdio;
import io.rune.shim.stdio.StdioException;
import io.rune.shim.stdio.StdioPaths;
import java.io.IOException;

/** What the containers of one daemon share: namespace, the registry, events, exit routing, cgroup watch, helper launcher. */
record TaskContext(String namespace, Containers containers, TaskEvents events, ExitRouter exits, CgroupWatch cgroups, HelperLauncher helpers) {
    /** Opens a process's stdio; what stdio refuses comes back with the code containerd expects. */
    ProcessStdio openStdio(String name, StdioPaths paths, String containerId, RuntimeOptions o) throws IOException {
        try {
            return ProcessStdio.open(name, paths, new IoContext(namespace, containerId, helpers, o.ioUid(), o.ioGid()));
        } catch (StdioException e) {
            Code code = switch (e.reason()) {
                case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
                case UNIMPLEMENTED -> Code.UNIMPLEMENTED;
                case UNKNOWN -> Code.UNKNOWN;
            };
            throw new ShimError(code, e.getMessage(), e);
        }
    }
}
