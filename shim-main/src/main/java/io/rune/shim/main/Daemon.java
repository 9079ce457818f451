package io.rune.shim.main;

import io.rune.shim.reaper.Reaper;
import io.rune.shim.sys.Posix;
import io.rune.shim.task.TaskService;
import io.rune.shim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running shim: child subreaper, Task service on ttrpc, events to containerd. Exits
 * after Shutdown when it holds no container, or on SIGTERM/SIGINT, removing its socket.
 */
final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private final Flags flags;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();

    Daemon(Flags flags) {
        this.flags = flags;
    }

    void run() throws Exception {
        Reaper reaper = Reaper.start();
        ServerSocketChannel listener = listener();
        String ttrpcAddress = System.getenv("TTRPC_ADDRESS");
        if (ttrpcAddress == null || ttrpcAddress.isEmpty()) ttrpcAddress = flags.address() + ".ttrpc";
        EventPublisher events = new EventPublisher(ttrpcAddress, flags.namespace());
        TaskService tasks = TaskWiring.taskService(flags.namespace(), Posix.getpid(), flags.debug(), reaper, events,
                stop::countDown);
        TtrpcServer server = new TtrpcServer(TaskBinding.registry(tasks));
        server.start(listener);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server, events, "signal")));
        LOG.info("id={} call=serve pid={} socket={} main-to-serve={}ms", flags.id(), Posix.getpid(), flags.socket(),
                (System.nanoTime() - Main.STARTED_NANOS) / 1_000_000);
        stop.await();
        shutdown(server, events, "Shutdown");
        System.exit(0);
    }

    /** The socket `start` bound and passed as fd 0, or (started by hand) the -socket path. */
    private ServerSocketChannel listener() throws IOException {
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof ServerSocketChannel s) return s;
        if (flags.socket().isEmpty()) throw new IOException("no listening socket on fd 0 and no -socket given");
        Path p = Path.of(flags.socket());
        Files.deleteIfExists(p);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        return s;
    }

    private void shutdown(TtrpcServer server, EventPublisher events, String why) {
        if (!stopping.compareAndSet(false, true)) return;
        LOG.info("id={} call=shutdown reason={}", flags.id(), why);
        try {
            // pending events still go out; then the socket goes so no new client finds a dead daemon
            events.close(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        if (!flags.socket().isEmpty()) {
            try {
                Files.deleteIfExists(Path.of(flags.socket()));
            } catch (IOException e) {
                LOG.warn("id={} call=shutdown remove socket: {}", flags.id(), e.getMessage());
            }
        }
    }
}
