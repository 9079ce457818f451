package io.rune.shim.carrier;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One container's carrier step.
 *
 * @param containerId  for logs (every line carries it) and the workspace name
 * @param bundle       the bundle directory holding config.json; the rootfs is config.json's root.path
 *                     (relative to the bundle, normally {@code rootfs}; absolute with ctr run --rootfs)
 * @param configToml   inclavare's config.toml; null = {@link CarrierConfig#DEFAULT_PATH}
 * @param rootfsMount  mounts the rootfs for the duration of the step and unmounts it after (also on
 *                     failure); null = the caller has mounted {@code <bundle>/rootfs} already
 * @param runner       runs the tools (in the shim: through its reaper, never java.lang.Process)
 */
public record CarrierRequest(String containerId, Path bundle, Path configToml, RootfsMount rootfsMount, CommandRunner runner) {
    public CarrierRequest {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(bundle, "bundle");
        Objects.requireNonNull(runner, "runner");
        if (configToml == null) configToml = CarrierConfig.DEFAULT_PATH;
    }

    /** The caller has mounted the rootfs; config.toml at its default path. */
    public static CarrierRequest of(String containerId, Path bundle, CommandRunner runner) {
        return new CarrierRequest(containerId, bundle, null, null, runner);
    }
}
