package io.rune.shim.cgroups;

import java.io.IOException;

/**
 * The cgroup is gone (its process exited and the cgroup was removed) or never existed.
 * The task service answers NotFound "cgroup does not exist" for it, as the Go shim does.
 */
public final class CgroupNotFoundException extends IOException {
    public CgroupNotFoundException(String message) {
        super(message);
    }
}
