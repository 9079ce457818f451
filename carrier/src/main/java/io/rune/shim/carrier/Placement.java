package io.rune.shim.carrier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the built enclave files into the rootfs as one undoable change: entries already there are
 * renamed aside (same file system, so nothing is lost), and {@link #rollback()} removes what was
 * placed and renames them back; {@link #commit()} drops them.
 */
final class Placement {
    private static final Logger LOG = LoggerFactory.getLogger(Placement.class);

    private final Path dest;
    private final String id;
    private final List<Path> placed = new ArrayList<>();
    private final Map<Path, Path> backups = new LinkedHashMap<>();
    private Path createdDir;

    private Placement(Path dest, String id) {
        this.dest = dest;
        this.id = id;
    }

    /**
     * Copies {@code names} (entries of {@code srcDir}; absent ones are skipped) into {@code dest},
     * owned by uid:gid when that is not root. On failure everything is undone before the throw.
     */
    static Placement place(String id, Path srcDir, List<String> names, Path dest, int uid, int gid) throws IOException {
        Placement p = new Placement(dest, id);
        try {
            p.placeAll(srcDir, names, uid, gid);
        } catch (IOException | RuntimeException e) {
            p.rollback();
            throw e;
        }
        return p;
    }

    private void placeAll(Path srcDir, List<String> names, int uid, int gid) throws IOException {
        if (Files.exists(dest, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dest + " is not a directory");
        }
        if (!Files.exists(dest, LinkOption.NOFOLLOW_LINKS)) {
            Path first = dest;
            while (first.getParent() != null && !Files.exists(first.getParent(), LinkOption.NOFOLLOW_LINKS)) first = first.getParent();
            if (first.getParent() != null && !Files.isDirectory(first.getParent())) {
                throw new IOException(first.getParent() + " is not a directory");
            }
            Files.createDirectories(dest);
            createdDir = first;
        }
        for (String name : names) {
            Path src = srcDir.resolve(name);
            if (!Files.exists(src, LinkOption.NOFOLLOW_LINKS)) continue;
            Path target = dest.resolve(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Path aside = dest.resolve("." + name + ".carrier-old");
                Trees.delete(aside);
                Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
                backups.put(target, aside);
            }
            placed.add(target);
            Trees.copy(src, target, p -> false);
            if (uid > 0 || gid > 0) Trees.chown(target, uid, gid);
        }
    }

    /** Drops what was renamed aside; a later {@link #rollback()} still removes what was placed. */
    void commit() {
        for (Path aside : backups.values()) {
            try {
                Trees.delete(aside);
            } catch (IOException e) {
                LOG.warn("id={} carrier cannot remove {}: {}", id, aside, e.getMessage());
            }
        }
        backups.clear();
    }

    /** Removes what was placed and puts back what was there. Best effort, logged. */
    void rollback() {
        for (int i = placed.size() - 1; i >= 0; i--) {
            Path target = placed.get(i);
            try {
                Trees.delete(target);
                Path aside = backups.remove(target);
                if (aside != null) Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOG.warn("id={} carrier rollback of {} failed: {}", id, target, e.getMessage());
            }
        }
        placed.clear();
        if (createdDir != null) {
            try {
                Trees.delete(createdDir);
            } catch (IOException e) {
                LOG.warn("id={} carrier rollback of {} failed: {}", id, createdDir, e.getMessage());
            }
            createdDir = null;
        }
    }
}
