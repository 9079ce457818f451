package io.rune.shim.task;

import io.rune.shim.api.types.Mount;
import io.rune.shim.sys.Errno;
import io.rune.shim.sys.Mounts;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Mounts the rootfs mounts of a Create request on {@code <bundle>/rootfs}, and takes them down. */
public final class Rootfs {
    /** option → {flags to set, flags to clear} */
    private static final Map<String, long[]> FLAGS = Map.ofEntries(
            Map.entry("ro", new long[] {Mounts.MS_RDONLY, 0}), Map.entry("rw", new long[] {0, Mounts.MS_RDONLY}),
            Map.entry("nosuid", new long[] {Mounts.MS_NOSUID, 0}), Map.entry("suid", new long[] {0, Mounts.MS_NOSUID}),
            Map.entry("nodev", new long[] {Mounts.MS_NODEV, 0}), Map.entry("dev", new long[] {0, Mounts.MS_NODEV}),
            Map.entry("noexec", new long[] {Mounts.MS_NOEXEC, 0}), Map.entry("exec", new long[] {0, Mounts.MS_NOEXEC}),
            Map.entry("sync", new long[] {Mounts.MS_SYNCHRONOUS, 0}), Map.entry("async", new long[] {0, Mounts.MS_SYNCHRONOUS}),
            Map.entry("dirsync", new long[] {Mounts.MS_DIRSYNC, 0}), Map.entry("remount", new long[] {Mounts.MS_REMOUNT, 0}),
            Map.entry("mand", new long[] {Mounts.MS_MANDLOCK, 0}), Map.entry("nomand", new long[] {0, Mounts.MS_MANDLOCK}),
            Map.entry("noatime", new long[] {Mounts.MS_NOATIME, 0}), Map.entry("atime", new long[] {0, Mounts.MS_NOATIME}),
            Map.entry("nodiratime", new long[] {Mounts.MS_NODIRATIME, 0}), Map.entry("diratime", new long[] {0, Mounts.MS_NODIRATIME}),
            Map.entry("relatime", new long[] {Mounts.MS_RELATIME, 0}), Map.entry("norelatime", new long[] {0, Mounts.MS_RELATIME}),
            Map.entry("strictatime", new long[] {Mounts.MS_STRICTATIME, 0}), Map.entry("nostrictatime", new long[] {0, Mounts.MS_STRICTATIME}),
            Map.entry("bind", new long[] {Mounts.MS_BIND, 0}), Map.entry("rbind", new long[] {Mounts.MS_BIND | Mounts.MS_REC, 0}),
            Map.entry("defaults", new long[] {0, 0}));

    private Rootfs() {}

    /** Flags and data string of a mount's options, as mount(8) splits them. */
    record Parsed(long flags, String data) {}

    static Parsed parse(List<String> options) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String o : options) {
            long[] f = FLAGS.get(o);
            if (f == null) {
                data.add(o);
            } else {
                flags = (flags | f[0]) & ~f[1];
            }
        }
        return new Parsed(flags, String.join(",", data));
    }

    /** Mounts all; on failure unmounts what was mounted and rethrows. */
    public static void mountAll(List<Mount> mounts, Path rootfs) throws IOException {
        if (mounts.isEmpty()) return;
        if (!Files.isDirectory(rootfs)) {
            Files.createDirectories(rootfs);
            Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwx--x--x"));
        }
        int done = 0;
        try {
            for (Mount m : mounts) {
                if (m.getType().startsWith("fuse")) {
                    throw ShimError.unimplemented("mount type " + m.getType() + " is not supported by this shim yet");
                }
                Parsed p = parse(m.getOptionsList());
                Mounts.mount(m.getSource(), rootfs.toString(), m.getType(), p.flags(), p.data());
                done++;
                if ((p.flags() & Mounts.MS_BIND) != 0 && (p.flags() & Mounts.MS_RDONLY) != 0) {
                    // a bind mount ignores MS_RDONLY on creation: remount to make it read-only
                    Mounts.mount("", rootfs.toString(), "", p.flags() | Mounts.MS_REMOUNT, null);
                }
            }
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < done; i++) unmountOnce(rootfs);
            throw e;
        }
    }

    /** Unmounts everything stacked on the path (repeats until EINVAL: nothing mounted). */
    public static void unmountAll(Path rootfs) throws SysException {
        for (int i = 0; i < 64; i++) {
            try {
                Mounts.umount(rootfs.toString(), 0);
            } catch (SysException e) {
                if (e.errno() == Errno.EINVAL || e.errno() == Errno.ENOENT) return;
                if (e.errno() == Errno.EBUSY) {
                    sleep(50);
                    continue;
                }
                throw e;
            }
        }
    }

    private static void unmountOnce(Path rootfs) {
        try {
            Mounts.umount(rootfs.toString(), Mounts.MNT_DETACH);
        } catch (SysException ignored) {
            // best effort while unwinding a failed create
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
