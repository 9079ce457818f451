package io.rune.shim.frame;

import io.rune.shim.sys.FdAction;
import io.rune.shim.sys.SpawnRequest;
import io.rune.shim.sys.Spawner;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.UnixListener;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a spare daemon (docs/launcher.md, "Spare daemons"): this program with the action word
 * {@code spare}, the listening control socket as its fd 0, the control socket's inode (so that only
 * the socket it was handed is ever removed by it) and its idle time in the environment.
 */
final class SpareSpawn {
    private static final Logger LOG = LoggerFactory.getLogger(SpareSpawn.class);
    static final String INODE_VARIABLE = "RUNE_SHIM_SPARE_INODE";
    /** Set by start for a group daemon when spares are on: their idle time (a Go duration). */
    static final String IDLE_VARIABLE = "RUNE_SHIM_SPARE";
    static final String ACTION = "spare";

    private SpareSpawn() {}

    /**
     * Makes sure a spare waits on this containerd address and namespace's control socket: when
     * nobody answers there, binds it and starts one. Failures are logged, never fatal (the next
     * start then takes the cold path).
     */
    static void ensure(Relaunch relaunch, Flags flags, Duration idle) {
        Path control = ControlSocket.path(flags.address(), flags.namespace());
        if (answers(control)) return;
        int fd = -1;
        try {
            Files.createDirectories(control.getParent());
            Files.deleteIfExists(control); // stale: nobody listens
            fd = UnixListener.listen(control.toString(), 256);
            Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rw-------"));
            int pid = spawn(relaunch, flags, fd, inode(control), idle, System.getenv(), -1);
            LOG.info("id={} call=spare started pid={} control={}", flags.id(), pid, control);
        } catch (IOException | RuntimeException e) {
            LOG.warn("id={} call=spare not started: {}", flags.id(), e.getMessage());
            try {
                if (fd >= 0) Files.deleteIfExists(control);
            } catch (IOException ignored) {
                // the next ensure replaces it
            }
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    /** Whether a process listens on the unix socket (a connect succeeds; the probe sends nothing). */
    static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The control socket file's inode, which the spares pass on. */
    static long inode(Path controlSocket) throws IOException {
        return ((Number) Files.getAttribute(controlSocket, "unix:ino")).longValue();
    }

    /**
     * @param controlFd the listening control socket (becomes the spare's fd 0)
     * @param env       the environment containerd gave the shim (the shim's own variables are replaced)
     * @param cueFd     an understudy's cue pipe (becomes its fd 3, {@link Understudy}); -1: a spare that serves at once
     * @return the spare's pid
     */
    static int spawn(Relaunch relaunch, Flags flags, int controlFd, long inode, Duration idle, Map<String, String> env,
                     int cueFd) throws IOException {
        List<String> argv = new ArrayList<>(Launcher.command(relaunch));
        argv.addAll(List.of("-namespace", flags.namespace(), "-address", flags.address()));
        if (flags.debug()) argv.add("-debug");
        argv.add(ACTION);
        List<String> vars = new ArrayList<>();
        env.forEach((k, v) -> {
            if (!ownVariable(k)) vars.add(k + "=" + v);
        });
        vars.add(INODE_VARIABLE + "=" + inode);
        vars.add(IDLE_VARIABLE + "=" + idle.toMillis() + "ms");
        List<FdAction> fds = new ArrayList<>(List.of(new FdAction.Dup(controlFd, 0), FdAction.devNull(1), FdAction.devNull(2)));
        if (cueFd >= 0) {
            fds.add(new FdAction.Dup(cueFd, Understudy.CUE_FD));
            vars.add(Understudy.CUE_VARIABLE + "=" + Understudy.CUE_FD);
        }
        // cwd "/": a spare belongs to no bundle until it adopts one; own process group, as the daemon
        return Spawner.spawn(new SpawnRequest(argv, vars, "/", fds, true, false));
    }

    /** Variables the shim sets for its own processes, which never count as containerd's environment. */
    static boolean ownVariable(String name) {
        return name.equals(Daemon.SCOPE_VARIABLE) || name.equals(Daemon.LINGER_VARIABLE) || name.equals(INODE_VARIABLE)
                || name.equals(IDLE_VARIABLE) || name.equals(Understudy.CUE_VARIABLE);
    }
}
