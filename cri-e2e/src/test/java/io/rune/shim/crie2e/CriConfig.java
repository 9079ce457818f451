package io.rune.shim.crie2e;

import io.rune.shim.testsupport.ContainerdBin;
import io.rune.shim.testsupport.SuiteProperties;
import java.nio.file.Path;

/** System properties that parameterise the suite (set by surefire from the pom / command line). */
record CriConfig(Path bin, ContainerdBin containerd, boolean keep, Path logDir) {

    static CriConfig fromSystemProperties() {
        return new CriConfig(SuiteProperties.binDir("containerd-shim-rune-v2"), ContainerdBin.fromSystemProperties(),
                Boolean.parseBoolean(SuiteProperties.get("e2e.keep", "false")),
                Path.of(SuiteProperties.get("e2e.logDir", "target/cri-e2e")));
    }
}
