package io.rune.shim.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A suite's private temp dir under /tmp (short, so that socket paths under it fit): root, state, sockets
 * and logs of its containerd. At the end its mounts are undone, its logs copied out and it is deleted.
 */
public final class SuiteDir {
    private static final Path TMP = Path.of("/tmp");

    private final Path dir;
    private final String prefix;
    private final String tag;

    private SuiteDir(Path dir, String prefix, String tag) {
        this.dir = dir;
        this.prefix = prefix;
        this.tag = tag;
    }

    /** Creates {@code /tmp/<prefix><random>} (rwx--x--x: others may pass through to what lies below, not list it); tag prefixes log lines. */
    public static SuiteDir create(String prefix, String tag) throws IOException {
        Path dir = Files.createTempDirectory(TMP, prefix,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx--x--x")));
        return new SuiteDir(dir, prefix, tag);
    }

    public Path path() {
        return dir;
    }

    public Path resolve(String other) {
        return dir.resolve(other);
    }

    @Override
    public String toString() {
        return dir.toString();
    }

    /** Mount points strictly below the dir, as /proc/self/mountinfo spells them. */
    public List<String> mountsBelow() {
        List<String> out = new ArrayList<>();
        try {
            for (String point : mountPoints()) {
                if (point.startsWith(dir + "/")) {
                    out.add(point);
                }
            }
        } catch (IOException e) {
            out.add("unreadable: " + e);
        }
        return out;
    }

    /**
     * Unmounts what is mounted at or below the dir (deepest first; lazily when a plain unmount fails),
     * copies the top-level files whose names {@code logs} accepts to logDir, then deletes the dir unless
     * keep is set. Never throws.
     */
    public void dispose(boolean keep, Path logDir, Predicate<String> logs) {
        unmountAll();
        copyLogs(logDir, logs);
        if (keep) {
            System.err.println(tag + " e2e.keep set: left " + dir);
        } else {
            delete();
        }
    }

    private static List<String> mountPoints() throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                out.add(f[4]);
            }
        }
        return out;
    }

    private List<String> mountsAtOrBelow() throws IOException {
        List<String> out = new ArrayList<>();
        for (String point : mountPoints()) {
            String p = point.replace("\\040", " ");
            if (p.equals(dir.toString()) || p.startsWith(dir + "/")) {
                out.add(p);
            }
        }
        return out;
    }

    private void unmountAll() {
        try {
            List<String> targets = mountsAtOrBelow();
            targets.sort(Comparator.reverseOrder());
            for (String t : targets) {
                System.err.println(tag + " cleanup: unmounting " + t);
                if (!Cmd.run(Duration.ofSeconds(10), List.of("umount", t)).ok()) {
                    Cmd.run(Duration.ofSeconds(10), List.of("umount", "-l", t));
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(tag + " cleanup: unmount failed: " + e);
        }
    }

    private void copyLogs(Path logDir, Predicate<String> logs) {
        try {
            Files.createDirectories(logDir);
            try (Stream<Path> s = Files.list(dir)) {
                for (Path src : s.filter(p -> logs.test(p.getFileName().toString()) && Files.isRegularFile(p)).toList()) {
                    Files.copy(src, logDir.resolve(src.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException | RuntimeException e) {
            System.err.println(tag + " cannot copy logs: " + e);
        }
    }

    /** True for a dir this class made: directly in /tmp, named with the prefix and more. */
    static boolean ours(Path dir, String prefix) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return !prefix.isEmpty() && dir.isAbsolute() && TMP.equals(dir.normalize().getParent())
                && name.startsWith(prefix) && name.length() > prefix.length();
    }

    private void delete() {
        if (!ours(dir, prefix)) {
            System.err.println(tag + " not deleting " + dir + ": not a " + prefix + "* dir directly in " + TMP);
            return;
        }
        try {
            if (!mountsAtOrBelow().isEmpty()) {
                System.err.println(tag + " not deleting " + dir + ": still mounted below it: " + mountsAtOrBelow());
                return;
            }
        } catch (IOException e) {
            System.err.println(tag + " not deleting " + dir + ": cannot read mountinfo: " + e);
            return;
        }
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    System.err.println(tag + " cannot delete " + p + ": " + e);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println(tag + " cannot delete " + dir + ": " + e);
        }
    }
}
