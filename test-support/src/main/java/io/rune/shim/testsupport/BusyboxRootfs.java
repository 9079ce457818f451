package io.rune.shim.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Builds a minimal rootfs from the static busybox binary: bin/busybox, applet symlinks, a few dirs, passwd and group. */
public final class BusyboxRootfs {
    public static final Path BUSYBOX = Path.of("/usr/bin/busybox");
    private static final List<String> DIRS = List.of("bin", "etc", "proc", "sys", "dev", "tmp", "root");

    private BusyboxRootfs() {}

    /** Only root in passwd and group. */
    public static Path build(Path dir) throws IOException {
        return build(dir, List.of(), "root:x:0:0:root:/root:/bin/sh\n", "root:x:0:\n");
    }

    /** With more dirs than the standard ones and the given etc/passwd and etc/group text. */
    public static Path build(Path dir, List<String> extraDirs, String passwd, String group) throws IOException {
        if (!Files.isExecutable(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " missing (apt-get install busybox-static)");
        }
        List<String> dirs = new ArrayList<>(DIRS);
        dirs.addAll(extraDirs);
        for (String d : dirs) {
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
            if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        Files.writeString(dir.resolve("etc/passwd"), passwd);
        Files.writeString(dir.resolve("etc/group"), group);
        for (String needed : List.of("sh", "echo", "sleep", "true")) {
            if (!Files.isExecutable(dir.resolve("bin").resolve(needed))) {
                throw new IllegalStateException("rootfs lacks /bin/" + needed);
            }
        }
        return dir;
    }
}
