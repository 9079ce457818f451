package io.rune.shim.frame;

import io.rune.shim.api.Identifiers;
import io.rune.shim.sys.Errno;
import io.rune.shim.sys.FdAction;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SpawnRequest;
import io.rune.shim.sys.Spawner;
import io.rune.shim.sys.SysException;
import io.rune.shim.sys.UnixListener;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code start}: derive the group's socket, reuse a live daemon of the group or bind the socket
 * and spawn a daemon that inherits it, and answer as the containerd that ran it expects
 * ({@link Bootstrap}: the bare address, also written to {@code address}, or 2.x's bootstrap JSON).
 * The daemon gets the listening socket as its fd 0, so containerd can connect before the JVM is even up.
 */
final class StartAction {
    private final Flags flags;
    private final Path bundle;
    private final byte[] options;
    private final ShimManager manager;

    /** @param options what containerd wrote to stdin: a protobuf Any of runtime options, or nothing */
    StartAction(Flags flags, Path bundle, byte[] options, ShimManager manager) {
        this.flags = flags;
        this.bundle = bundle;
        this.options = options;
        this.manager = manager;
    }

    /** What start prints: see {@link Bootstrap#text()}. */
    String run() throws IOException {
        if (flags.namespace().isEmpty()) throw new IOException("shim namespace cannot be empty");
        if (flags.id().isEmpty()) throw new IOException("shim id cannot be empty");
        for (String id : new String[] {flags.namespace(), flags.id()}) {
            String bad = Identifiers.problem(id);
            if (bad != null) throw new IOException(bad + ": invalid argument");
        }
        StartOptions opts = manager.startOptions(options);
        String shimCgroup = opts.shimCgroup();
        // namespace scope: one daemon for the containerd address and namespace ("" is never a group)
        String group = opts.scope() == ShimScope.NAMESPACE ? "" : GroupKey.of(bundle, flags.id());
        Path socket = SocketAddress.socketPath(flags.address(), flags.namespace(), group);
        Bootstrap answer = Bootstrap.forContainerd(SocketAddress.uri(socket), flags.publishBinary());
        Path dir = socket.getParent();
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rw-------"));
        }
        int listener = -1;
        for (int attempt = 0; listener < 0; attempt++) {
            try {
                listener = UnixListener.listen(socket.toString(), 4096);
            } catch (SysException e) {
                if (e.errno() != Errno.EADDRINUSE || attempt > 0) throw e;
                if (SpareSpawn.answers(socket)) {
                    // a daemon of this group serves already: it will receive this task's Create
                    return answer(answer);
                }
                Files.deleteIfExists(socket); // stale socket of a dead daemon
            }
        }
        try {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            int pid = spawnDaemon(listener, socket, opts);
            try {
                if (!shimCgroup.isEmpty()) ShimCgroup.join(shimCgroup, pid);
            } catch (IOException e) {
                Posix.kill(pid, Posix.SIGKILL);
                throw e;
            }
            OomScore.inheritPlusOne(pid);
            return answer(answer);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(socket);
            throw e;
        } finally {
            Posix.closeQuietly(listener);
        }
    }

    private int spawnDaemon(int listener, Path socket, StartOptions opts) throws IOException {
        List<String> argv = new ArrayList<>(Launcher.command(manager.relaunch()));
        argv.addAll(List.of("-namespace", flags.namespace(), "-id", flags.id(), "-address", flags.address(),
                "-socket", socket.toString()));
        if (flags.debug()) argv.add("-debug");
        List<String> env = new ArrayList<>();
        System.getenv().forEach((k, v) -> {
            if (!SpareSpawn.ownVariable(k)) env.add(k + "=" + v);
        });
        if (opts.scope() == ShimScope.NAMESPACE) {
            env.add(Daemon.SCOPE_VARIABLE + "=" + opts.scope().word());
            env.add(Daemon.LINGER_VARIABLE + "=" + opts.linger().toMillis() + "ms");
        } else if (opts.spare()) {
            env.add(SpareSpawn.IDLE_VARIABLE + "=" + opts.linger().toMillis() + "ms");
        }
        return Spawner.spawn(new SpawnRequest(argv, env, bundle.toString(),
                List.of(new FdAction.Dup(listener, 0), FdAction.devNull(1), FdAction.devNull(2)), true, false));
    }

    private String answer(Bootstrap answer) throws IOException {
        if (answer.writesAddressFile()) writeAddress(bundle, answer.address());
        return answer.text();
    }

    /** {@code address}, written atomically (containerd may read it any time). */
    static void writeAddress(Path bundle, String address) throws IOException {
        Path tmp = bundle.resolve(".address");
        Files.writeString(tmp, address);
        Files.move(tmp, bundle.resolve("address"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
