package io.rune.shim.carrier;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;

/** File-tree helpers that never follow symlinks out of the tree they work on. */
final class Trees {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Trees() {}

    /** A path inside the container: as the container sees it, and where it is on the host. */
    record Resolved(String containerPath, Path hostPath) {}

    /**
     * Resolves a container path inside {@code rootfs} the way the kernel would after pivot_root:
     * symlinks (absolute ones relative to the rootfs) and ".." never leave the rootfs.
     */
    static Resolved resolveIn(Path rootfs, String containerPath) throws IOException {
        Deque<String> todo = new ArrayDeque<>(components(containerPath));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.equals("..")) {
                if (!done.isEmpty()) done.removeLast();
                continue;
            }
            Path p = join(rootfs, done).resolve(c);
            if (Files.isSymbolicLink(p)) {
                if (++links > 40) throw new IOException("too many levels of symbolic links resolving " + containerPath);
                String target = Files.readSymbolicLink(p).toString();
                if (target.startsWith("/")) done.clear();
                List<String> tc = components(target);
                for (int i = tc.size() - 1; i >= 0; i--) todo.addFirst(tc.get(i));
            } else {
                done.add(c);
            }
        }
        return new Resolved("/" + String.join("/", done), join(rootfs, done));
    }

    /**
     * Finds the program {@code name} like execvp inside the container: a name with a slash is a
     * path (relative to {@code cwd}), a bare name is looked up on {@code pathEnv}. Null when absent.
     */
    static Resolved lookPath(Path rootfs, String name, String pathEnv, String cwd) throws IOException {
        if (name.contains("/")) {
            Resolved r = resolveIn(rootfs, name.startsWith("/") ? name : cwd + "/" + name);
            return Files.isRegularFile(r.hostPath()) ? r : null;
        }
        for (String dir : (pathEnv == null || pathEnv.isEmpty() ? DEFAULT_PATH : pathEnv).split(":")) {
            if (dir.isEmpty()) continue;
            Resolved r = resolveIn(rootfs, (dir.startsWith("/") ? dir : cwd + "/" + dir) + "/" + name);
            if (Files.isRegularFile(r.hostPath()) && Files.isExecutable(r.hostPath())) return r;
        }
        return null;
    }

    private static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String s : path.split("/")) {
            if (!s.isEmpty() && !s.equals(".")) out.add(s);
        }
        return out;
    }

    private static Path join(Path root, List<String> parts) {
        Path p = root;
        for (String s : parts) p = p.resolve(s);
        return p;
    }

    /**
     * Copies {@code src} into {@code dst} (merged into what is there): regular files with mode,
     * owner and times, directories, symlinks as symlinks; fifos, sockets and devices are skipped.
     * An entry of another kind in the way is replaced.
     */
    static void copy(Path src, Path dst, Predicate<Path> exclude) throws IOException {
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(src) && exclude.test(dir)) return FileVisitResult.SKIP_SUBTREE;
                Path t = target(dir);
                if (Files.exists(t, NOFOLLOW) && !Files.isDirectory(t, NOFOLLOW)) delete(t);
                if (!Files.isDirectory(t, NOFOLLOW)) {
                    try {
                        Files.copy(dir, t, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                    } catch (FileAlreadyExistsException e) {
                        // raced into existence: merge
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (exclude.test(file)) return FileVisitResult.CONTINUE;
                if (!attrs.isRegularFile() && !attrs.isSymbolicLink()) return FileVisitResult.CONTINUE;
                Path t = target(file);
                if (Files.isDirectory(t, NOFOLLOW)) delete(t);
                if (attrs.isSymbolicLink()) {
                    Files.deleteIfExists(t);
                    Files.createSymbolicLink(t, Files.readSymbolicLink(file));
                } else {
                    Files.copy(file, t, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING,
                            LinkOption.NOFOLLOW_LINKS);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) throw exc;
                // The directory's mode and times, now that its content is written.
                Path t = target(dir);
                if (Files.isDirectory(t, NOFOLLOW)) {
                    Files.setPosixFilePermissions(t, Files.getPosixFilePermissions(dir, NOFOLLOW));
                    Files.setLastModifiedTime(t, Files.getLastModifiedTime(dir, NOFOLLOW));
                }
                return FileVisitResult.CONTINUE;
            }

            private Path target(Path p) {
                return dst.resolve(src.relativize(p).toString());
            }
        });
    }

    /** Deletes a file or a whole tree; symlinks are removed, never followed. Absent = done. */
    static void delete(Path path) throws IOException {
        if (!Files.exists(path, NOFOLLOW)) return;
        if (!Files.isDirectory(path, NOFOLLOW)) {
            Files.deleteIfExists(path);
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) throw exc;
                try {
                    Files.deleteIfExists(dir);
                } catch (DirectoryNotEmptyException e) {
                    throw new IOException("cannot remove " + dir + ": something was added while it was deleted", e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** chown -hR uid:gid (symlinks themselves, not their targets). */
    static void chown(Path path, int uid, int gid) throws IOException {
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                own(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                own(file);
                return FileVisitResult.CONTINUE;
            }

            private void own(Path p) throws IOException {
                Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
                Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
            }
        });
    }
}
