package io.rune.shim.oom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Counting this JVM's open fds through /proc/self/fd. */
final class Fds {
    private Fds() {}

    static long all() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** fds whose link reads like "anon_inode:[eventfd]" / "anon_inode:inotify" / "anon_inode:[eventpoll]". */
    static long anon(String kind) throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().contains(kind);
                } catch (IOException e) {
                    return false; // the listing's own fd, closed meanwhile
                }
            }).count();
        }
    }
}
