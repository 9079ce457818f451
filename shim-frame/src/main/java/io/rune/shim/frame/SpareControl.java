package io.rune.shim.frame;

import io.rune.shim.api.Identifiers;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.ThreadNice;
import java.io.IOException;
import java.net.BindException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A spare daemon's answers to the launcher (docs/launcher.md, "Spare daemons"). {@code start} of a
 * new group: bind the group's socket here, hand the control socket to a new spare, and become that
 * group's daemon ({@link #awaitAdoption}); {@code start} of a group whose daemon runs: its address;
 * {@code delete}: run here. A spare started under another environment than the request's (containerd
 * restarted with other settings) retires and lets the launcher take the cold path.
 */
final class SpareControl implements ControlServer.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(SpareControl.class);
    private static final int BACKLOG = 4096;

    /** What the spare becomes: the daemon of the group whose start it answered. */
    record Adoption(Flags flags, Path bundle, ServerSocketChannel listener, Map<String, String> env, long tookNanos) {}

    private enum State { WAITING, ADOPTED, RETIRED }

    private final Flags own;
    private final ShimManager manager;
    private final Path controlPath;
    private final long controlInode;
    private final Duration idle;
    private final Map<String, String> env;
    private ControlServer server;
    /** The spare behind this one (spawned once this one serves); null: none yet, or it could not start. */
    private Understudy understudy;
    private long understudySpawnNanos;
    private State state = State.WAITING;
    private Adoption adoption;
    private long lastActivity = System.nanoTime();
    private volatile boolean adoptedFlag;

    /** @param env this spare's environment (containerd's, as the spawner passed it on) */
    SpareControl(Flags own, ShimManager manager, Path controlPath, long controlInode, Duration idle, Map<String, String> env) {
        this.own = own;
        this.manager = manager;
        this.controlPath = controlPath;
        this.controlInode = controlInode;
        this.idle = idle;
        this.env = env;
    }

    /** True once a group adopted this spare. Not synchronized: polled while a start holds the lock. */
    boolean adopted() {
        return adoptedFlag;
    }

    /**
     * This spare accepts on the control socket now (at once, or an understudy once cued): its idle
     * time starts, and its own understudy is spawned (under the lock: a start arriving meanwhile
     * waits for the spawn, and then cues it).
     */
    synchronized void serving(ControlServer server) {
        this.server = server;
        lastActivity = System.nanoTime();
        if (state != State.WAITING) return;
        long t0 = System.nanoTime();
        int control = -1;
        try {
            control = Posix.dup(0);
            understudy = Understudy.spawn(manager.relaunch(), own, control, controlInode, idle, env);
            understudySpawnNanos = System.nanoTime() - t0;
        } catch (IOException | RuntimeException e) {
            // adoption then spawns the next spare itself, as without an understudy
            LOG.info("call=spare no understudy: {}", e.getMessage());
        } finally {
            Posix.closeQuietly(control);
        }
    }

    /** What the adoption log tells of the understudy: its pid and how long its spawn took. */
    synchronized String understudyText() {
        return understudy == null ? "none" : "pid " + understudy.pid() + " spawned in " + understudySpawnNanos / 1_000_000 + " ms";
    }

    @Override
    public ControlCodec.Response handle(ControlCodec.Request r) {
        Flags f;
        try {
            f = Flags.parse(r.args());
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
        if (!ControlAnswers.forDaemonOf(f, own)) {
            return ControlCodec.Response.NOT_HANDLED;
        }
        if (!sameEnvironment(r.env())) {
            LOG.info("call=spare retiring: the launcher's environment differs from this spare's");
            retire();
            return ControlCodec.Response.NOT_HANDLED;
        }
        Path cwd = Path.of(r.cwd());
        try {
            return switch (f.action()) {
                case "start" -> foreground(() -> start(f, cwd, r.stdin(), r.env()));
                case "delete" -> delete(f, cwd);
                default -> ControlCodec.Response.NOT_HANDLED;
            };
        } catch (Exception e) {
            LOG.warn("id={} call=spare-{} failed: {}", f.id(), f.action(), e.toString());
            return error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private interface Answer {
        ControlCodec.Response get() throws Exception;
    }

    /**
     * Answers a start at normal priority: a spare runs niced (the launcher starts it at nice 10 so
     * its boot and rehearsal yield to containers being started), the daemon it becomes does not.
     * Not adopted (a join, another scope), it goes back to its spare's priority.
     */
    private ControlCodec.Response foreground(Answer a) throws Exception {
        int spareNice = 0;
        try {
            spareNice = ThreadNice.current();
            if (spareNice != 0) ThreadNice.setAll(0);
        } catch (IOException | RuntimeException e) {
            LOG.info("call=spare priority unchanged: {}", e.getMessage());
        }
        try {
            return a.get();
        } finally {
            if (spareNice != 0 && !adopted()) {
                try {
                    ThreadNice.setAll(spareNice);
                } catch (IOException | RuntimeException e) {
                    LOG.info("call=spare priority not restored: {}", e.getMessage());
                }
            }
        }
    }

    private ControlCodec.Response start(Flags f, Path bundle, byte[] options, Map<String, String> startEnv) throws Exception {
        long t0 = System.nanoTime();
        if (f.id().isEmpty()) return error("shim id cannot be empty");
        String bad = Identifiers.problem(f.id());
        if (bad != null) return error(bad + ": invalid argument");
        StartOptions o = manager.startOptions(options);
        if (o.scope() != ShimScope.GROUP || !o.spare()) return ControlCodec.Response.NOT_HANDLED;
        Path socket = SocketAddress.socketPath(f.address(), f.namespace(), GroupKey.of(bundle, f.id()));
        // what this containerd reads from start: the bare address (and the address file) or 2.x's JSON
        Bootstrap answer = Bootstrap.forContainerd(SocketAddress.uri(socket), f.publishBinary());
        synchronized (this) {
            if (state != State.WAITING) return ControlCodec.Response.NOT_HANDLED;
            lastActivity = System.nanoTime();
            if (SpareSpawn.answers(socket)) {
                // the group's daemon runs: this container joins it, and the spare stays spare
                return started(bundle, answer);
            }
            ServerSocketChannel listener = bind(socket);
            if (listener == null) {
                // a cold start of the same group bound it meanwhile: join that daemon
                return started(bundle, answer);
            }
            boolean handedOver = false;
            try {
                // This spare stops accepting now, so a start arriving meanwhile waits in the socket's
                // backlog for the next spare: the understudy, warm and cued, or one spawned here with a
                // copy of the control socket (fd 0).
                int control = Posix.dup(0);
                server.close(false);
                handedOver = true;
                if (understudy != null && understudy.cue()) {
                    Posix.closeQuietly(control);
                } else if (o.shimCgroup().isEmpty()) {
                    // spawned after the answer: posix_spawn returns only once the child has exec'd, which
                    // on a busy node (back-to-back starts) kept containerd waiting 20-65 ms
                    Thread.ofPlatform().name("spare-handover").start(() -> handOverFrom(control));
                } else {
                    // the next spare must be spawned before this process joins the pod's cgroup (a child
                    // is born in its parent's)
                    handOverFrom(control);
                }
                // a failed join fails the start, as in the Go shim
                if (!o.shimCgroup().isEmpty()) ShimCgroup.join(o.shimCgroup(), Posix.getpid());
                if (answer.writesAddressFile()) StartAction.writeAddress(bundle, answer.address());
            } catch (IOException | RuntimeException e) {
                listener.close();
                Files.deleteIfExists(socket);
                if (handedOver) {
                    // the control socket is the next spare's now: this process leaves without touching it
                    state = State.RETIRED;
                    notifyAll();
                }
                throw e;
            }
            Flags daemonFlags = new Flags(f.namespace(), f.address(), f.publishBinary(), f.id(), f.bundle(),
                    socket.toString(), f.debug(), false, false, "");
            adoption = new Adoption(daemonFlags, bundle, listener, Map.copyOf(startEnv), System.nanoTime() - t0);
            state = State.ADOPTED;
            adoptedFlag = true;
            notifyAll();
            return ControlCodec.Response.of(0, answer.text().getBytes(StandardCharsets.UTF_8), "");
        }
    }

    /** Starts the next spare on the control socket (a copy of it, closed here after the spawn). */
    private void handOverFrom(int control) {
        try {
            SpareSpawn.spawn(manager.relaunch(), own, control, controlInode, idle, env, -1);
        } catch (IOException | RuntimeException e) {
            // no spare after this one: launchers must not queue on a socket nobody accepts on; the next
            // start takes the cold path and makes a new spare
            LOG.warn("call=spare next spare not started: {}", e.getMessage());
            removeControlIfOurs();
        } finally {
            Posix.closeQuietly(control);
        }
    }

    private ControlCodec.Response delete(Flags f, Path cwd) throws Exception {
        synchronized (this) {
            lastActivity = System.nanoTime();
        }
        long t0 = System.nanoTime();
        ControlCodec.Response r = ControlAnswers.delete(manager, f, cwd);
        LOG.info("id={} call=spare-delete took {} ms", f.id(), (System.nanoTime() - t0) / 1_000_000);
        return r;
    }

    /**
     * Blocks until a start adopts this spare (its daemon's flags, bundle and bound socket), or until
     * it retires: {@code idle} passed without a request, or it saw another environment. Null then.
     */
    synchronized Adoption awaitAdoption() throws InterruptedException {
        while (state == State.WAITING) {
            long left = idle.toNanos() - (System.nanoTime() - lastActivity);
            if (left <= 0) {
                LOG.info("call=spare retiring: idle {}", idle);
                retireLocked();
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return adoption;
    }

    /** Retires a waiting spare (idle, another environment, or SIGTERM); an adopted one is a daemon now and stays. */
    synchronized void retire() {
        if (state == State.WAITING) retireLocked();
    }

    private void retireLocked() {
        state = State.RETIRED;
        closeControl();
        if (understudy != null) understudy.dismiss();
        notifyAll();
    }

    /**
     * Closes the control socket, removing its file only when it is still the one this spare was
     * handed. An understudy not yet cued has nothing to close: the socket is its spare's.
     */
    private void closeControl() {
        if (server != null) server.close(controlIsOurs());
    }

    private void removeControlIfOurs() {
        if (!controlIsOurs()) return;
        try {
            Files.deleteIfExists(controlPath);
        } catch (IOException e) {
            LOG.warn("call=spare remove {}: {}", controlPath, e.getMessage());
        }
    }

    private boolean controlIsOurs() {
        try {
            return SpareSpawn.inode(controlPath) == controlInode;
        } catch (IOException e) {
            return false; // gone already
        }
    }

    private boolean sameEnvironment(Map<String, String> requestEnv) {
        return Objects.equals(containerdEnv(requestEnv), containerdEnv(env));
    }

    /** The variables containerd set, without those the shim and its launcher add. */
    private Map<String, String> containerdEnv(Map<String, String> all) {
        Map<String, String> out = new HashMap<>(all);
        out.keySet().removeIf(k -> SpareSpawn.ownVariable(k) || k.equals(manager.relaunch().launcherVariable()));
        return out;
    }

    /** The group's socket, bound here; null when another process listens on it already. */
    private static ServerSocketChannel bind(Path socket) throws IOException {
        Files.createDirectories(socket.getParent());
        for (int attempt = 0; ; attempt++) {
            ServerSocketChannel s = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                s.bind(UnixDomainSocketAddress.of(socket), BACKLOG);
                Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
                return s;
            } catch (BindException e) {
                s.close();
                if (attempt > 0) throw e;
                if (SpareSpawn.answers(socket)) return null; // bound by another start since the check
                Files.deleteIfExists(socket); // stale socket of a dead daemon
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }

    private static ControlCodec.Response started(Path bundle, Bootstrap answer) throws IOException {
        if (answer.writesAddressFile()) StartAction.writeAddress(bundle, answer.address());
        return ControlCodec.Response.of(0, answer.text().getBytes(StandardCharsets.UTF_8), "");
    }

    private ControlCodec.Response error(String message) {
        return ControlAnswers.error(manager, message);
    }
}
