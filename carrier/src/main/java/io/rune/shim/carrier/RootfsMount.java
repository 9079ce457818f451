package io.rune.shim.carrier;

import java.io.IOException;

/**
 * Mounts the container's rootfs on {@code <bundle>/rootfs} for the duration of a carrier step.
 * Pass {@code null} in {@link CarrierRequest} when the caller has mounted the rootfs already
 * (and unmounts it itself when Create fails).
 */
public interface RootfsMount {
    void mount() throws IOException;

    void unmount() throws IOException;
}
