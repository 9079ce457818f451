package io.rune.shim.e2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** System properties that parameterise the suite (set by surefire from the pom / command line). */
public record E2eConfig(
        Path bin,
        String runtime,
        String reference,
        Path stateRoot,
        Path referenceStateRoot,
        boolean keep,
        int parallel,
        Path logDir) {

    public static E2eConfig fromSystemProperties() {
        String bin = prop("e2e.bin", "");
        if (bin.isBlank()) {
            throw new IllegalStateException("system property e2e.bin (directory with containerd-shim-*-v2 and rune) is not set");
        }
        Path binDir = Path.of(bin).toAbsolutePath().normalize();
        if (!Files.isDirectory(binDir)) {
            throw new IllegalStateException("e2e.bin " + binDir + " is not a directory");
        }
        return new E2eConfig(
                binDir,
                prop("e2e.runtime", "io.containerd.rune.v2"),
                prop("e2e.reference", "io.containerd.runc.v2"),
                Path.of(prop("e2e.stateRoot", "/run/containerd/rune")),
                Path.of(prop("e2e.referenceStateRoot", "/run/containerd/runc")),
                Boolean.parseBoolean(prop("e2e.keep", "false")),
                Integer.parseInt(prop("e2e.parallel", "20")),
                Path.of(prop("e2e.logDir", "target/e2e")));
    }

    private static String prop(String key, String dflt) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? dflt : v.trim();
    }

    public ShimRuntime underTest() {
        return new ShimRuntime(runtime, "ut", stateRoot);
    }

    public ShimRuntime referenceRuntime() {
        return new ShimRuntime(reference, "ref", referenceStateRoot);
    }

    /** Reference first, then the runtime under test: the order every scenario runs in. */
    public java.util.List<ShimRuntime> both() {
        return java.util.List.of(referenceRuntime(), underTest());
    }
}
