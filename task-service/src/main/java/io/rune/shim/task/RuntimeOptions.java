package io.rune.shim.task;

import io.rune.shim.runc.RuneConfig;

/**
 * The runtime options of a container, whichever message carried them. Empty strings and
 * zero ids mean "not set". carrierConfig (the carrier's config.toml) comes only from an options file
 * (key {@code CarrierConfig}); empty means /etc/inclavare-containers/config.toml. shimScope
 * ({@code ShimScope}: "group" or "namespace"), shimLinger ({@code ShimLinger}, e.g. "30s") and shimSpare
 * ({@code ShimSpare}: "true"/"false", empty = not set) too.
 */
public record RuntimeOptions(String binaryName, String root, boolean noPivotRoot, boolean noNewKeyring,
                             String shimCgroup, int ioUid, int ioGid, String criuPath, boolean systemdCgroup,
                             String criuImagePath, String criuWorkPath, String carrierConfig,
                             String shimScope, String shimLinger, String shimSpare) {
    public static final RuntimeOptions DEFAULTS = new RuntimeOptions("", "", false, false, "", 0, 0, "", false, "", "", "");

    /** Options without the shim's own keys (ShimScope, ShimLinger, ShimSpare: only an options file carries them). */
    public RuntimeOptions(String binaryName, String root, boolean noPivotRoot, boolean noNewKeyring, String shimCgroup,
                          int ioUid, int ioGid, String criuPath, boolean systemdCgroup, String criuImagePath,
                          String criuWorkPath, String carrierConfig) {
        this(binaryName, root, noPivotRoot, noNewKeyring, shimCgroup, ioUid, ioGid, criuPath, systemdCgroup,
                criuImagePath, criuWorkPath, carrierConfig, "", "", "");
    }

    public String binaryOrDefault() {
        return binaryName.isEmpty() ? RuneConfig.DEFAULT_BINARY : binaryName;
    }

    public String rootOrDefault() {
        return root.isEmpty() ? RuneConfig.DEFAULT_ROOT : root;
    }
}
