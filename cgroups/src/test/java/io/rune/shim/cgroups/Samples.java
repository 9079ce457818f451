package io.rune.shim.cgroups;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The recorded / hand-written sample trees under src/test/resources (see its README.md). */
final class Samples {
    private Samples() {}

    static Path dir(String name) {
        try {
            return Path.of(Samples.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static CgroupRoot root(String name) {
        return new CgroupRoot(dir(name));
    }

    /** A writable copy of a sample tree, for tests that remove or change files. */
    static CgroupRoot copy(String name, Path into) throws IOException {
        Path src = dir(name);
        try (Stream<Path> all = Files.walk(src)) {
            all.forEach(p -> {
                try {
                    Path t = into.resolve(src.relativize(p).toString());
                    if (Files.isDirectory(p)) Files.createDirectories(t);
                    else Files.copy(p, t);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return new CgroupRoot(into);
    }
}
