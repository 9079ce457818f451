package io.rune.shim.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The containerd a suite runs against: the directory holding its {@code containerd}, {@code ctr}
 * and the same package's {@code containerd-shim-runc-v2} (the reference shim), and its release.
 * Named by the system property {@code e2e.containerd}; without it, the system's containerd.
 */
public record ContainerdBin(Path dir, ContainerdVersion version) {
    public static final String PROPERTY = "e2e.containerd";
    public static final Path SYSTEM_DIR = Path.of("/usr/bin");
    /** The reference shim's binary: it must come from the same package as the containerd under test. */
    public static final String REFERENCE_SHIM = "containerd-shim-runc-v2";

    /** {@code e2e.containerd} (a bin dir), or the system's containerd in /usr/bin. */
    public static ContainerdBin fromSystemProperties() {
        String d = SuiteProperties.get(PROPERTY, "");
        return of(d.isEmpty() ? SYSTEM_DIR : Path.of(d).toAbsolutePath().normalize());
    }

    /** The containerd in dir, its release read from {@code containerd --version}. */
    public static ContainerdBin of(Path dir) {
        for (String b : List.of("containerd", "ctr", REFERENCE_SHIM)) {
            if (!Files.isExecutable(dir.resolve(b))) {
                throw new IllegalStateException(PROPERTY + " " + dir + " holds no executable " + b);
            }
        }
        CmdResult r = Cmd.run(Duration.ofSeconds(10), List.of(dir.resolve("containerd").toString(), "--version"));
        if (!r.ok()) {
            throw new IllegalStateException("containerd --version failed: " + r);
        }
        return new ContainerdBin(dir, ContainerdVersion.parse(r.stdout()));
    }

    public Path containerd() {
        return dir.resolve("containerd");
    }

    public Path ctr() {
        return dir.resolve("ctr");
    }

    @Override
    public String toString() {
        return "containerd " + version + " (" + dir + ")";
    }
}
