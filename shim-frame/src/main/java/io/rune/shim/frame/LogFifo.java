package io.rune.shim.frame;

import java.nio.charset.StandardCharsets;
import java.io.PrintStream;
import java.io.FileOutputStream;
import io.rune.shim.sys.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The daemon's logs go to the bundle's {@code log} FIFO, which containerd copies into its own log. */
final class LogFifo {
    private LogFifo() {}

    /**
     * Points System.err at {@code <bundle>/log} at once (plain Java: the first native call costs
     * tens of milliseconds of linking, kept off this path), and fd 2 too on a helper thread, for
     * what the JVM itself writes there. Without that FIFO (started by hand) stderr stays.
     */
    static void redirectStderr(Path bundle) throws IOException {
        Path log = bundle.resolve("log");
        if (!Files.exists(log)) return;
        System.setErr(new PrintStream(new FileOutputStream(log.toFile(), true), true, StandardCharsets.UTF_8));
        Thread.ofPlatform().name("log-fd2").daemon(true).start(() -> {
            try {
                int fd = Posix.open(log.toString(), Posix.O_WRONLY, 0);
                Posix.dup2(fd, 2);
                Posix.close(fd);
            } catch (IOException e) {
                System.err.println("log FIFO as fd 2: " + e.getMessage());
            }
        });
    }
}
