package io.rune.shim.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/** Builds a minimal rootfs from the static busybox binary: bin/busybox, applet symlinks, a few dirs. */
public final class BusyboxRootfs {
    public static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    private BusyboxRootfs() {}

    public static Path build(Path dir) throws IOException {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " missing (apt-get install busybox-static)");
        }
        for (String d : List.of("bin", "etc", "proc", "sys", "dev", "tmp", "root")) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.setPosixFilePermissions(dir.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        Path bb = dir.resolve("bin/busybox");
        Files.copy(BUSYBOX, bb);
        Files.setPosixFilePermissions(bb, PosixFilePermissions.fromString("rwxr-xr-x"));
        CmdResult list = Cmd.run(Duration.ofSeconds(10), List.of(BUSYBOX.toString(), "--list"));
        if (!list.ok()) {
            throw new IllegalStateException("busybox --list failed: " + list);
        }
        for (String applet : list.stdout().split("\\s+")) {
            if (applet.isBlank() || applet.contains("/")) {
                continue;
            }
            Path link = dir.resolve("bin").resolve(applet);
            if (!Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\n");
        for (String needed : List.of("sh", "echo", "sleep", "true")) {
            if (!Files.isExecutable(dir.resolve("bin").resolve(needed))) {
                throw new IllegalStateException("rootfs lacks /bin/" + needed);
            }
        }
        return dir;
    }
}
