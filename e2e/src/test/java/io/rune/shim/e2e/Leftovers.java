package io.rune.shim.e2e;

import io.rune.shim.testsupport.Poll;
import io.rune.shim.testsupport.ProcScan;
import io.rune.shim.testsupport.ShimSocket;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What remains on the host for one container id after it was removed.
 *
 * @param shimPids   processes with {@code -address <our sock>} and {@code -id <id>}
 * @param socket     the shim socket {@code /run/containerd/s/<sha256(sock/ns/id)>} if it still exists, else null
 * @param stateDir   rune/runc state dir {@code <stateRoot>/<ns>/<id>} if it still exists, else null
 * @param bundleDir  {@code <state>/io.containerd.runtime.v2.task/<ns>/<id>} if it still exists, else null
 * @param mounts     mountinfo lines mentioning the id
 * @param cgroupDirs {@code /sys/fs/cgroup/* /<ns>/<id>} (and v2 {@code /sys/fs/cgroup/<ns>/<id>}) that exist
 * @param fifos      FIFOs {@code <base>/fifo/<n>/<id>-*} (also those of execs whose id starts with {@code <id>-}) still there
 */
public record Leftovers(List<Long> shimPids, Path socket, Path stateDir, Path bundleDir, List<String> mounts, List<String> cgroupDirs,
                        List<String> fifos) {
    public boolean clean() {
        return cleanIgnoringSocket() && socket == null && fifos.isEmpty();
    }

    /**
     * Clean apart from the shim socket and the FIFOs: for a shim that was SIGKILLed (which cannot remove its
     * socket), after which containerd forgets the task, so {@code ctr task rm} cannot load and remove the FIFOs.
     */
    public boolean cleanIgnoringSocket() {
        return shimPids.isEmpty() && stateDir == null && bundleDir == null && mounts.isEmpty() && cgroupDirs.isEmpty();
    }

    public static Leftovers scan(PrivateContainerd ctd, ShimRuntime rt, String id) {
        String ns = ctd.namespace();
        Path sock = rt.socketFor(ctd.address(), ns, id);
        Path state = rt.stateRoot().resolve(ns).resolve(id);
        Path bundle = ctd.bundleDir(id);
        List<String> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                if (line.contains(id)) {
                    mounts.add(line);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> cgroups = new ArrayList<>();
        Path cgRoot = Path.of("/sys/fs/cgroup");
        if (Files.isDirectory(cgRoot.resolve(ns).resolve(id))) {
            cgroups.add(cgRoot.resolve(ns).resolve(id).toString());
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cgRoot)) {
            for (Path ctl : ds) {
                Path d = ctl.resolve(ns).resolve(id);
                if (Files.isDirectory(d)) {
                    cgroups.add(d.toString());
                }
            }
        } catch (IOException ignored) {
            // no cgroup fs
        }
        // the shim started for this container (in namespace scope the daemon is the first container's)
        return new Leftovers(ProcScan.shimPids(ctd.address(), id),
                Files.exists(sock) && socketOf(ctd, rt, id, sock) ? sock : null,
                Files.exists(state) ? state : null,
                Files.exists(bundle) ? bundle : null,
                mounts, cgroups, fifos(ctd.base().resolve("fifo"), id));
    }

    /**
     * Whether an existing socket counts as this container's: always in group scope; in namespace
     * scope when the daemon serving it was started for this container, or when no daemon serves it
     * (stale) — a socket shared with the namespace's other containers is not this one's leftover.
     */
    private static boolean socketOf(PrivateContainerd ctd, ShimRuntime rt, String id, Path sock) {
        if (!rt.namespaceScope()) return true;
        List<ProcScan.Proc> serving = ProcScan.shims(ctd.address()).stream()
                .filter(p -> sock.toString().equals(ProcScan.flag(p.argv(), "socket"))).toList();
        return serving.isEmpty() || serving.stream().anyMatch(p -> id.equals(ProcScan.flag(p.argv(), "id")));
    }

    /** FIFOs named {@code <id>-...} in the per-call directories under the FIFO dir given to ctr. */
    public static List<String> fifos(Path fifoDir, String id) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(fifoDir)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(fifoDir)) {
            for (Path d : dirs) {
                if (!Files.isDirectory(d)) {
                    continue;
                }
                try (DirectoryStream<Path> files = Files.newDirectoryStream(d, p -> p.getFileName().toString().startsWith(id + "-"))) {
                    files.forEach(f -> out.add(f.toString()));
                } catch (IOException ignored) {
                    // removed meanwhile
                }
            }
        } catch (IOException ignored) {
            // removed meanwhile
        }
        return out;
    }

    /** Polls until clean (or, with ignoreSocket, clean apart from the socket file) or the timeout passes. */
    public static Leftovers awaitClean(PrivateContainerd ctd, ShimRuntime rt, String id, Duration timeout, boolean ignoreSocket) {
        return Poll.until(timeout, () -> scan(ctd, rt, id), l -> ignoreSocket ? l.cleanIgnoringSocket() : l.clean());
    }

    /** The shim socket path the Go shim derives (see {@link ShimSocket#of}). */
    public static Path shimSocket(Path address, String ns, String id) {
        return ShimSocket.of(address, ns, id);
    }
}
