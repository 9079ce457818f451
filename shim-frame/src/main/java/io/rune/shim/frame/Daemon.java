package io.rune.shim.frame;

import io.rune.shim.sys.Posix;
import io.rune.shim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import io.rune.shim.ttrpc.PeerCheck;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-running shim: child subreaper, the manager's services on ttrpc, events to containerd.
 * Exits after the manager says nothing is left to serve, or on SIGTERM/SIGINT, removing its socket.
 */
final class Daemon {
    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    /** Set by start for the daemon it spawns: the daemon's scope and linger time. */
    static final String SCOPE_VARIABLE = "RUNE_SHIM_SCOPE", LINGER_VARIABLE = "RUNE_SHIM_LINGER";

    private final Flags flags;
    private final ShimManager manager;
    private final long startedNanos;
    /** System.nanoTime() when main began, when logging set-up began and when it was done. */
    private final long[] clock;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();
    /** The group socket a spare bound for this daemon; null: fd 0 or -socket. */
    private final ServerSocketChannel bound;
    /** containerd's environment for this daemon: the process's own, or (adopted spare) the start's. */
    private final Map<String, String> env;

    /** @param clock when main began, when logging set-up began and ended: for the start-up times it logs */
    Daemon(Flags flags, ShimManager manager, long[] clock) {
        this(flags, manager, clock, null, System.getenv());
    }

    /** A daemon serving {@code bound}, a socket already listening, with the start's environment (a spare's adoption). */
    Daemon(Flags flags, ShimManager manager, long[] clock, ServerSocketChannel bound, Map<String, String> env) {
        this.bound = bound;
        this.env = env;
        this.clock = clock.clone();
        this.flags = flags;
        this.manager = manager;
        this.startedNanos = clock[0];
    }

    /** Returns when the daemon is done (its socket removed); the caller exits. */
    void run() throws Exception {
        long t0 = System.nanoTime();
        ReaperCommands commands = ReaperCommands.start(env);
        long tReaper = System.nanoTime();
        ServerSocketChannel listener = listener();
        String ttrpcAddress = env.get("TTRPC_ADDRESS");
        if (ttrpcAddress == null || ttrpcAddress.isEmpty()) ttrpcAddress = flags.address() + ".ttrpc";
        EventPublisher events = new EventPublisher(ttrpcAddress, flags.namespace());
        ShimScope scope = ShimScope.parse(env.get(SCOPE_VARIABLE));
        AtomicReference<IdleExit> idleExit = new AtomicReference<>();
        // in namespace scope "nothing left" starts the linger time instead of ending the daemon
        Runnable nothingLeft = scope == ShimScope.NAMESPACE ? () -> idleExit.get().nothingLeft() : stop::countDown;
        long tEvents = System.nanoTime();
        ShimService service = manager.serve(new DaemonContext(flags, Posix.getpid(), commands, events, nothingLeft));
        long tServe = System.nanoTime();
        TtrpcServer server = new TtrpcServer(service.registry());
        server.start(listener);
        long tTtrpc = System.nanoTime();
        ControlServer control = null;
        if (scope == ShimScope.NAMESPACE) {
            String lingerText = env.get(LINGER_VARIABLE);
            Duration linger = lingerText == null || lingerText.isEmpty() ? StartOptions.DEFAULT_LINGER
                    : StartOptions.parseDuration(lingerText);
            AtomicReference<ControlServer> controlRef = new AtomicReference<>();
            idleExit.set(new IdleExit(linger, service.idle(), () -> {
                // the sockets go before anything that takes time: the next start makes a new daemon
                ControlServer c = controlRef.get();
                if (c != null) c.close();
                removeSocket();
                stop.countDown();
            }));
            try {
                control = ControlServer.start(ControlSocket.path(flags.address(), flags.namespace()),
                        new NamespaceControl(flags, SocketAddress.uri(Path.of(flags.socket())), manager, idleExit.get()),
                        PeerCheck.sameUser(), manager.name());
                controlRef.set(control);
                LOG.info("id={} call=serve scope=namespace control={} linger={}", flags.id(), control.path(), linger);
            } catch (IOException e) {
                // the containers of this daemon are served all the same; later starts take the cold path
                // and join it through its socket
                LOG.warn("id={} call=serve scope=namespace no control socket: {}", flags.id(), e.toString());
            }
        }
        String spareIdle = env.get(SpareSpawn.IDLE_VARIABLE);
        if (scope == ShimScope.GROUP && bound == null && spareIdle != null && !spareIdle.isEmpty()) {
            // the next group's start adopts a warm daemon instead of starting two JVMs (a daemon that was
            // a spare has handed the control socket on already)
            Duration idle = StartOptions.parseDuration(spareIdle);
            Thread.ofVirtual().name("spare").start(() -> SpareSpawn.ensure(manager.relaunch(), flags, idle));
        }
        ControlServer controlServer = control;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(server, controlServer, events, service, "signal")));
        // where the cold path goes (issue: the first container of a namespace and every group pays it)
        LOG.info("id={} call=serve pid={} socket={} main-to-serve={}ms (to-logging={}ms logging={}ms to-run={}ms reaper={}ms events={}ms "
                        + "manager={}ms ttrpc={}ms)", flags.id(), Posix.getpid(), flags.socket(),
                (System.nanoTime() - startedNanos) / 1_000_000, (clock[1] - clock[0]) / 1_000_000,
                (clock[2] - clock[1]) / 1_000_000, (t0 - clock[2]) / 1_000_000,
                (tReaper - t0) / 1_000_000, (tEvents - tReaper) / 1_000_000, (tServe - tEvents) / 1_000_000,
                (tTtrpc - tServe) / 1_000_000);
        stop.await();
        shutdown(server, controlServer, events, service, scope == ShimScope.NAMESPACE ? "idle" : "Shutdown");
    }

    /** The socket `start` bound and passed as fd 0, or (started by hand) the -socket path. */
    private ServerSocketChannel listener() throws IOException {
        if (bound != null) return bound;
        Channel inherited = System.inheritedChannel();
        if (inherited instanceof ServerSocketChannel s) return s;
        if (flags.socket().isEmpty()) throw new IOException("no listening socket on fd 0 and no -socket given");
        Path p = Path.of(flags.socket());
        Files.deleteIfExists(p);
        ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        s.bind(UnixDomainSocketAddress.of(p));
        return s;
    }

    private void removeSocket() {
        if (flags.socket().isEmpty()) return;
        try {
            Files.deleteIfExists(Path.of(flags.socket()));
        } catch (IOException e) {
            LOG.warn("id={} call=shutdown remove socket: {}", flags.id(), e.getMessage());
        }
    }

    private void shutdown(TtrpcServer server, ControlServer control, EventPublisher events, ShimService service, String why) {
        if (!stopping.compareAndSet(false, true)) return;
        LOG.info("id={} call=shutdown reason={}", flags.id(), why);
        // the sockets go first: a start from now on binds a new daemon instead of finding this one
        if (control != null) control.close();
        removeSocket();
        long t0 = System.nanoTime();
        try {
            // pending events still go out
            events.close(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long tEvents = System.nanoTime();
        server.close();
        try {
            service.onStop().run();
        } catch (RuntimeException e) {
            LOG.warn("id={} call=shutdown stop hook: {}", flags.id(), e.toString());
        }
        LOG.info("id={} call=shutdown done events={}ms rest={}ms", flags.id(), (tEvents - t0) / 1_000_000,
                (System.nanoTime() - tEvents) / 1_000_000);
    }
}
