package io.rune.shim.main;

import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.Prelink;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * containerd-shim-rune-v2: {@code start}, {@code delete}, or (no action word) the daemon.
 * Errors of start/delete go to stderr as {@code io.containerd.rune.v2: <error>} with exit 1,
 * the way containerd shows them for the Go shim.
 */
public final class Main {
    static final String RUNTIME = "io.containerd.rune.v2";
    static final String VERSION = "0.1.0";
    /** When main began, for the start-up time the daemon logs. */
    static final long STARTED_NANOS = System.nanoTime();

    private Main() {}

    public static void main(String[] args) {
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Flags flags;
        try {
            flags = Flags.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            err.print(RUNTIME + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        if (flags.version()) {
            out.println("containerd-shim-rune-v2:");
            out.println("  Version:  " + VERSION);
            out.println("  Runtime:  rune (runc-compatible CLI; " + Runtime.version() + ")");
            System.exit(0);
        }
        Path cwd = Path.of("").toAbsolutePath();
        try {
            switch (flags.action()) {
                case "start" -> {
                    Prelink.inBackground(true);
                    String address = new StartAction(flags, cwd, System.in.readAllBytes()).run();
                    out.print(address);
                    out.flush();
                    System.exit(0);
                }
                case "delete" -> {
                    Path bundle = flags.bundle().isEmpty() ? cwd : Path.of(flags.bundle());
                    DeleteResponse r = new DeleteAction(flags, bundle, err).run();
                    out.write(r.toByteArray());
                    out.flush();
                    System.exit(0);
                }
                case "train" -> {
                    Training.run();
                    System.exit(0);
                }
                default -> {
                    Prelink.inBackground(false);
                    redirectStderrToLogFifo(cwd);
                    Logging.configure(flags.debug(), flags.namespace());
                    new Daemon(flags).run();
                }
            }
        } catch (Exception e) {
            err.print(RUNTIME + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            System.exit(1);
        }
    }

    /** The daemon's logs go to the bundle's `log` FIFO, which containerd copies into its own log. */
    private static void redirectStderrToLogFifo(Path bundle) throws IOException {
        Path log = bundle.resolve("log");
        if (!Files.exists(log)) return; // started by hand: keep stderr
        int fd = Posix.open(log.toString(), Posix.O_WRONLY, 0);
        Posix.dup2(fd, 2);
        Posix.close(fd);
    }
}
