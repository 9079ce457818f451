package io.rune.shim.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the system properties surefire hands a suite (from the pom or the command line). */
public final class SuiteProperties {
    private SuiteProperties() {}

    /** The property, or dflt when it is unset, blank or an unexpanded {@code ${...}} from the pom. */
    public static String get(String key, String dflt) {
        String v = System.getProperty(key);
        return v == null || v.isBlank() || v.startsWith("${") ? dflt : v.trim();
    }

    /** {@code e2e.bin} as an absolute directory; {@code holding} says what it must hold (for the error). */
    public static Path binDir(String holding) {
        String bin = get("e2e.bin", "");
        if (bin.isBlank()) {
            throw new IllegalStateException("system property e2e.bin (directory with " + holding + ") is not set");
        }
        Path binDir = Path.of(bin).toAbsolutePath().normalize();
        if (!Files.isDirectory(binDir)) {
            throw new IllegalStateException("e2e.bin " + binDir + " is not a directory");
        }
        return binDir;
    }
}
