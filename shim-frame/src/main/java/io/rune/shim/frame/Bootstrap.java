package io.rune.shim.frame;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * What {@code start} prints, as the Go runc shim of the containerd that ran it does
 * (docs/protocol.md §1.5): containerd 2.x gets the bootstrap JSON with version 3 (it then talks
 * {@code containerd.task.v3.Task} and lets the tasks of a CRI pod join the pod's shim without a
 * {@code start} of their own); 1.6 and 1.7 get the bare address (1.6 reads nothing else, 1.7 refuses
 * version 3). containerd passes its own executable as {@code -publish-binary} and sets the same
 * environment in 1.7 and 2.x, so the release is told by the executable's Go main package path
 * ({@code github.com/containerd/containerd/v2/...} from 2.0 on). When that cannot be read the bare
 * address is printed: every release accepts it (2.x then talks task v2).
 *
 * @param address the ttrpc address, {@code unix://<socket>}
 * @param version 3 for the JSON answer, 2 for the bare address
 */
record Bootstrap(String address, int version) {
    /** containerd's current shim protocol version (2.x); bare addresses count as 2. */
    static final int TASK_V3 = 3;
    private static final Pattern CONTAINERD_2_OR_LATER = Pattern.compile("^github\\.com/containerd/containerd/v([2-9]|[1-9][0-9]+)/.*");

    /** The answer for the containerd whose executable is {@code containerdBinary} (start's -publish-binary). */
    static Bootstrap forContainerd(String address, String containerdBinary) {
        // no lambda here: start's path stays lean (see ShimFrame)
        String main = containerdBinary.isEmpty() ? "" : GoBuildInfo.mainPackage(Path.of(containerdBinary)).orElse("");
        return new Bootstrap(address, CONTAINERD_2_OR_LATER.matcher(main).matches() ? TASK_V3 : 2);
    }

    /** What start prints on stdout. */
    String text() {
        if (version < TASK_V3) return address;
        return "{\"version\":" + version + ",\"address\":\"" + jsonEscape(address) + "\",\"protocol\":\"ttrpc\"}";
    }

    /**
     * Whether start also writes the bundle's {@code address} file: 1.6 and 1.7 read it when they
     * reconnect after a restart; 2.x reads the bootstrap.json it writes itself, and its runc shim
     * writes no address file.
     */
    boolean writesAddressFile() {
        return version < TASK_V3;
    }

    private static String jsonEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.toString();
    }
}
