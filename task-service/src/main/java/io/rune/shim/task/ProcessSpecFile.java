package io.rune.shim.task;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The temp file {@code rune exec --process} reads (it holds the process's env: mode 0600). Named from
 * the daemon's pid, a counter and the ids, and created exclusively: {@code Files.createTempFile}
 * would draw its name from SecureRandom, a read of /dev/urandom on every exec's path.
 */
final class ProcessSpecFile {
    private static final AtomicLong SEQ = new AtomicLong();
    private static final long PID = ProcessHandle.current().pid();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final Set<StandardOpenOption> CREATE_NEW =
            EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private ProcessSpecFile() {}

    /** Writes {@code spec} to a new file in {@code dir}; a name left by an earlier daemon is skipped. */
    static Path write(Path dir, String containerId, String execId, byte[] spec) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path p = dir.resolve("runc-process-" + PID + "-" + SEQ.incrementAndGet() + "-" + containerId + "-" + execId);
            try (SeekableByteChannel ch = Files.newByteChannel(p, CREATE_NEW, OWNER_ONLY)) {
                ByteBuffer b = ByteBuffer.wrap(spec);
                while (b.hasRemaining()) ch.write(b);
                return p;
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 100) throw e;
            }
        }
    }
}
