package io.rune.shim.frame;

import io.rune.shim.reaper.Child;
import io.rune.shim.reaper.Exit;
import io.rune.shim.reaper.Reaper;
import io.rune.shim.sys.FdAction;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SpawnRequest;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the shim's child processes (runtime CLI calls, tools, helpers) through the process's one
 * reaper, never {@code java.lang.Process}: the JVM's own waitpid would race the subreaper that
 * waits for any child. Exits of processes it did not start (re-parented ones) go to the
 * {@link ChildExitListener}s.
 *
 * <p>Threads: a call runs on its caller's thread, virtual ones included: the spawn is one short
 * native call, and the wait for the exit is a future's, which parks a virtual thread without
 * pinning its carrier (a platform thread per call added a thread start and a hand-off to every
 * exec). Captured output is drained by two platform threads, so a chatty command cannot dead-lock
 * on a full pipe and no blocking read pins a carrier.
 */
public final class ReaperCommands {
    /** After the command exited, how long its output may stay open (a grandchild holding the pipe). */
    private static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
    /** Inputs up to this size fit any pipe's buffer: written at once, without a feeder thread. */
    private static final int INLINE_INPUT = 4096;
    private static final byte[] NONE = new byte[0];
    private static Reaper processReaper;

    private final Reaper reaper;
    private final Map<String, String> baseEnv;

    private ReaperCommands(Reaper reaper, Map<String, String> baseEnv) {
        this.reaper = reaper;
        Map<String, String> env = new LinkedHashMap<>(baseEnv);
        env.remove("NOTIFY_SOCKET"); // systemd's readiness socket is the service manager's, not a child's
        this.baseEnv = env;
    }

    /** A runner with the shim's environment; see {@link #start(Map)}. */
    public static ReaperCommands start() throws IOException {
        return start(System.getenv());
    }

    /**
     * A runner whose commands start from {@code baseEnv} (minus NOTIFY_SOCKET). The first call in a
     * process makes it a child subreaper and starts its reaping thread; later ones share it.
     */
    public static ReaperCommands start(Map<String, String> baseEnv) throws IOException {
        return new ReaperCommands(processReaper(), baseEnv);
    }

    private static synchronized Reaper processReaper() throws SysException {
        if (processReaper == null) processReaper = Reaper.start();
        return processReaper;
    }

    /** Exits of processes this runner did not start (containers re-parented to the shim). */
    public void onChildExit(ChildExitListener listener) {
        reaper.addListener(e -> listener.onExit(childExit(e)));
    }

    /**
     * Runs a command to its end. Throws IOException only when it could not be started (e.g. ENOENT);
     * a failing or timed-out command is a result.
     */
    public CommandResult run(Command c) throws IOException, InterruptedException {
        return switch (c.stdio()) {
            case Command.Stdio.Fds fds -> {
                Child child = reaper.spawn(request(c, fdActions(fds)));
                Ended end = awaitEnd(child, c);
                yield new CommandResult(end.exit.status(), NONE, NONE, end.timedOut);
            }
            case Command.Stdio.Capture cap -> runCaptured(c, cap.input());
        };
    }

    /**
     * Starts a long-lived helper (a logger, say) with fds handed over, and returns at once.
     * Its stdio must be {@link Command.Stdio.Fds}, and it has no timeout: the caller holds its handle.
     */
    public HelperProcess spawn(Command c) throws IOException {
        if (!(c.stdio() instanceof Command.Stdio.Fds fds)) throw new IllegalArgumentException("a helper's stdio must be fds");
        if (c.timeout() != null) throw new IllegalArgumentException("a helper has no timeout");
        Child child = reaper.spawn(request(c, fdActions(fds)));
        return new HelperProcess(child.pid(), child.exit().thenApply(ReaperCommands::childExit));
    }

    private CommandResult runCaptured(Command c, byte[] input) throws IOException, InterruptedException {
        int[] out = Posix.pipe();
        int[] err = pipeOrClose(out);
        int[] in = null;
        Child child;
        try {
            if (input != null) in = Posix.pipe();
            List<FdAction> fds = List.of(in == null ? FdAction.devNull(0) : new FdAction.Dup(in[0], 0),
                    new FdAction.Dup(out[1], 1), new FdAction.Dup(err[1], 2));
            child = reaper.spawn(request(c, fds));
        } catch (IOException | RuntimeException e) {
            closeAll(out[0], err[0], in == null ? -1 : in[1]);
            throw e;
        } finally {
            closeAll(out[1], err[1], in == null ? -1 : in[0]);
        }
        OutputDrain stdout = new OutputDrain(out[0], "stdout");
        OutputDrain stderr = new OutputDrain(err[0], "stderr");
        if (in != null) feed(in[1], input);
        Ended end = awaitEnd(child, c);
        if (!stdout.await(DRAIN_GRACE) | !stderr.await(DRAIN_GRACE)) {
            // Something the command started still holds the pipes: end its process group if it has
            // one; otherwise answer with what was read (the drains close their pipes at EOF).
            if (c.ownProcessGroup()) {
                kill(-child.pid());
                stdout.await(DRAIN_GRACE);
                stderr.await(DRAIN_GRACE);
            }
        }
        return new CommandResult(end.exit.status(), stdout.bytes(), stderr.bytes(), end.timedOut);
    }

    private record Ended(Exit exit, boolean timedOut) {}

    private static Ended awaitEnd(Child child, Command c) throws InterruptedException {
        if (c.timeout() == null) return new Ended(child.await(), false);
        Exit exit = child.await(c.timeout());
        if (exit != null) return new Ended(exit, false);
        if (!child.exit().isDone()) kill(c.ownProcessGroup() ? -child.pid() : child.pid());
        return new Ended(child.await(), true);
    }

    private SpawnRequest request(Command c, List<FdAction> fds) {
        Map<String, String> merged = new LinkedHashMap<>(c.inheritEnv() ? baseEnv : Map.of());
        merged.putAll(c.env());
        List<String> env = new ArrayList<>(merged.size());
        merged.forEach((k, v) -> env.add(k + "=" + v));
        return new SpawnRequest(c.argv(), env, c.cwd() == null ? null : c.cwd().toString(), fds, c.ownProcessGroup(), false);
    }

    private static List<FdAction> fdActions(Command.Stdio.Fds fds) {
        List<FdAction> actions = new ArrayList<>();
        for (int target = 0; target <= 2; target++) {
            if (!fds.fds().containsKey(target)) actions.add(FdAction.devNull(target));
        }
        fds.fds().forEach((target, ours) -> actions.add(ours < 0 ? FdAction.devNull(target) : new FdAction.Dup(ours, target)));
        actions.sort((a, b) -> Integer.compare(target(a), target(b)));
        return actions;
    }

    private static int target(FdAction a) {
        return switch (a) {
            case FdAction.Dup d -> d.target();
            case FdAction.Open o -> o.target();
        };
    }

    private static ChildExit childExit(Exit e) {
        return new ChildExit(e.pid(), e.status(), e.exitedAt());
    }

    private static void feed(int fd, byte[] data) {
        if (data.length <= INLINE_INPUT) {
            writeAndClose(fd, data);
            return;
        }
        Thread.ofPlatform().name("stdin-feed").daemon(true).start(() -> writeAndClose(fd, data));
    }

    private static void writeAndClose(int fd, byte[] data) {
        try {
            Posix.writeFully(fd, data);
        } catch (SysException ignored) {
            // EPIPE: the command did not read all of its input; its exit status tells the rest
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private static void kill(int pidOrGroup) {
        try {
            Posix.kill(pidOrGroup, Posix.SIGKILL);
        } catch (SysException ignored) {
            // ESRCH: gone already
        }
    }

    private static int[] pipeOrClose(int[] other) throws SysException {
        try {
            return Posix.pipe();
        } catch (SysException e) {
            closeAll(other[0], other[1]);
            throw e;
        }
    }

    private static void closeAll(int... fds) {
        for (int fd : fds) Posix.closeQuietly(fd);
    }
}
