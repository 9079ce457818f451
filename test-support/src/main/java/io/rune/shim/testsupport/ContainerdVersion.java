package io.rune.shim.testsupport;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The release of a containerd, as {@code containerd --version} names it (e.g. 1.6.20, 2.1.9). */
public record ContainerdVersion(int major, int minor, int patch) {
    // "containerd github.com/containerd/containerd/v2 2.1.9+unknown " or "... v1.7.24 <revision>"
    private static final Pattern VERSION = Pattern.compile("^containerd\\s+\\S+\\s+v?(\\d+)\\.(\\d+)\\.(\\d+)");

    /** Parses the first line of {@code containerd --version}. */
    public static ContainerdVersion parse(String versionOutput) {
        Matcher m = VERSION.matcher(versionOutput.strip());
        if (!m.find()) {
            throw new IllegalArgumentException("not a containerd --version line: " + versionOutput.strip());
        }
        return new ContainerdVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    /** The config.toml version this release reads natively: 3 from 2.0 on (plugin ids changed), else 2. */
    public int configVersion() {
        return major >= 2 ? 3 : 2;
    }

    /** True for 2.0 and later. */
    public boolean atLeast2() {
        return major >= 2;
    }

    /** True for major.minor and later releases. */
    public boolean atLeast(int major, int minor) {
        return this.major > major || (this.major == major && this.minor >= minor);
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
