package io.rune.shim.crie2e;

import java.nio.file.Files;
import java.nio.file.Path;

/** System properties that parameterise the suite (set by surefire from the pom / command line). */
record CriConfig(Path bin, boolean keep, Path logDir) {

    static CriConfig fromSystemProperties() {
        String bin = prop("e2e.bin", "");
        if (bin.isBlank()) {
            throw new IllegalStateException("system property e2e.bin (directory with containerd-shim-rune-v2) is not set");
        }
        Path binDir = Path.of(bin).toAbsolutePath().normalize();
        if (!Files.isDirectory(binDir)) {
            throw new IllegalStateException("e2e.bin " + binDir + " is not a directory");
        }
        return new CriConfig(binDir, Boolean.parseBoolean(prop("e2e.keep", "false")), Path.of(prop("e2e.logDir", "target/cri-e2e")));
    }

    private static String prop(String key, String dflt) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? dflt : v.trim();
    }
}
