package io.rune.shim.e2e;

import io.rune.shim.testsupport.ContainerdBin;
import io.rune.shim.testsupport.SuiteProperties;
import java.nio.file.Path;

/** System properties that parameterise the suite (set by surefire from the pom / command line). */
public record E2eConfig(
        Path bin,
        ContainerdBin containerd,
        String runtime,
        String reference,
        Path stateRoot,
        Path referenceStateRoot,
        boolean keep,
        int parallel,
        Path logDir,
        Path criuDir) {

    public static E2eConfig fromSystemProperties() {
        return new E2eConfig(
                SuiteProperties.binDir("containerd-shim-*-v2 and rune"),
                ContainerdBin.fromSystemProperties(),
                prop("e2e.runtime", "io.containerd.rune.v2"),
                prop("e2e.reference", "io.containerd.runc.v2"),
                Path.of(prop("e2e.stateRoot", "/run/containerd/rune")),
                Path.of(prop("e2e.referenceStateRoot", "/run/containerd/runc")),
                Boolean.parseBoolean(prop("e2e.keep", "false")),
                Integer.parseInt(prop("e2e.parallel", "20")),
                Path.of(prop("e2e.logDir", "target/e2e")),
                criuDir(prop("e2e.criu", "")));
    }

    /**
     * e2e.criu: a directory with a {@code criu} to put first on containerd's PATH (for runc and rune
     * alike; scripts/criu-fetch.sh makes one), or null: unset, or no executable criu in it.
     */
    private static Path criuDir(String dir) {
        if (dir.isBlank()) return null;
        Path d = Path.of(dir).toAbsolutePath().normalize();
        if (java.nio.file.Files.isExecutable(d.resolve("criu"))) return d;
        System.err.println("[e2e] e2e.criu " + d + " holds no executable criu: using the system's");
        return null;
    }

    private static String prop(String key, String dflt) {
        return SuiteProperties.get(key, dflt);
    }

    public ShimRuntime underTest() {
        return new ShimRuntime(runtime, "ut", stateRoot, "namespace".equals(prop("e2e.scope", "group")));
    }

    public ShimRuntime referenceRuntime() {
        return new ShimRuntime(reference, "ref", referenceStateRoot);
    }

    /** Reference first, then the runtime under test: the order every scenario runs in. */
    public java.util.List<ShimRuntime> both() {
        return java.util.List.of(referenceRuntime(), underTest());
    }
}
