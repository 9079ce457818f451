package io.rune.shim.frame;

import io.rune.shim.sys.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The daemon's logs go to the bundle's {@code log} FIFO, which containerd copies into its own log. */
final class LogFifo {
    private LogFifo() {}

    /** Points fd 2 at {@code <bundle>/log}; without that FIFO (started by hand) stderr stays. */
    static void redirectStderr(Path bundle) throws IOException {
        Path log = bundle.resolve("log");
        if (!Files.exists(log)) return;
        int fd = Posix.open(log.toString(), Posix.O_WRONLY, 0);
        Posix.dup2(fd, 2);
        Posix.close(fd);
    }
}
