package io.rune.shim.frame;

import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.sys.Prelink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The shim's entry point for any runtime: {@code -v}, {@code -info}, {@code start}, {@code delete}, the
 * manager's own actions, or (no action word, or an unknown one) the daemon. Errors of the
 * actions go to stderr as {@code <runtime>: <error>} with exit 1, the way containerd shows
 * them for the Go shims.
 */
public final class ShimFrame {
    private ShimFrame() {}

    /** Runs the action the arguments name and exits the process. */
    public static void run(ShimManager manager, String[] args) {
        long started = System.nanoTime();
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);
        Flags flags;
        try {
            flags = Flags.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            err.print(manager.name() + ": " + e.getMessage());
            System.exit(1);
            return;
        }
        if (flags.version()) {
            out.print(manager.versionText());
            out.flush();
            System.exit(0);
        }
        Path cwd = Path.of("").toAbsolutePath();
        try {
            if (flags.info()) {
                // containerd 2.x: runtime options (an Any) on stdin, a RuntimeInfo message on stdout
                out.write(manager.info(System.in.readAllBytes()));
                out.flush();
                System.exit(0);
            }
            switch (flags.action()) {
                case "start" -> {
                    Prelink.inBackground(true);
                    String answer = new StartAction(flags, cwd, System.in.readAllBytes(), manager).run();
                    out.print(answer);
                    out.flush();
                }
                case "delete" -> {
                    Path bundle = flags.bundle().isEmpty() ? cwd : Path.of(flags.bundle());
                    DeleteResponse r = manager.delete(flags, bundle, err);
                    out.write(r.toByteArray());
                    out.flush();
                }
                case SpareSpawn.ACTION -> SpareDaemon.run(flags, manager, started);
                default -> {
                    ShimAction extra = manager.actions().get(flags.action()); // not on start's path: no lambdas linked there
                    if (extra != null) {
                        extra.run(flags);
                    } else {
                        Prelink.inBackground(false);
                        Thread.ofPlatform().name("warm-up").daemon(true).start(() -> {
                            io.rune.shim.api.events.ForwardRequest.getDefaultInstance(); // the publisher's envelope
                            manager.warmUp();
                        });
                        LogFifo.redirectStderr(cwd);
                        long logging = System.nanoTime();
                        Logging.configure(flags.debug(), flags.namespace(), manager.name());
                        try {
                            new Daemon(flags, manager, new long[] {started, logging, System.nanoTime()}).run();
                        } catch (Exception | Error e) {
                            // stderr is the bundle's log FIFO by now: say why the daemon ends, in containerd's log
                            org.slf4j.LoggerFactory.getLogger(ShimFrame.class).error("id={} call=daemon failed: {}", flags.id(), e.toString());
                            throw e;
                        }
                    }
                }
            }
            System.exit(0);
        } catch (Exception e) {
            err.print(manager.name() + ": " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            System.exit(1);
        }
    }
}
