package io.rune.shim.runc;

import io.rune.shim.reaper.Child;
import io.rune.shim.reaper.Reaper;
import io.rune.shim.sys.FdAction;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SpawnRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs rune through the reaper, so its exit status survives the global wait4(-1). */
public final class ReaperMonitor implements Monitor {
    private static final byte[] NONE = new byte[0];
    private final Reaper reaper;
    private final List<String> env;

    /** @param env the environment rune runs with (the shim's, minus NOTIFY_SOCKET) */
    public ReaperMonitor(Reaper reaper, Map<String, String> env) {
        this.reaper = reaper;
        List<String> e = new ArrayList<>();
        env.forEach((k, v) -> { if (!k.equals("NOTIFY_SOCKET")) e.add(k + "=" + v); });
        this.env = List.copyOf(e);
    }

    /**
     * Native reads of rune's output block in the kernel; on a virtual thread that would pin one
     * of the few carrier threads for the whole rune call. Callers on virtual threads (ttrpc
     * requests) hand the call to a platform thread and wait for it without pinning.
     */
    @Override
    public CommandResult run(List<String> argv, byte[] input, RuneIo io) throws IOException, InterruptedException {
        if (!Thread.currentThread().isVirtual()) return runHere(argv, input, io);
        var result = new java.util.concurrent.CompletableFuture<CommandResult>();
        Thread.ofPlatform().name("rune-" + (argv.size() > 1 ? argv.get(argv.size() - 2) : "call")).daemon(true)
                .start(() -> {
                    try {
                        result.complete(runHere(argv, input, io));
                    } catch (Throwable t) {
                        result.completeExceptionally(t);
                    }
                });
        try {
            return result.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException ioe) throw ioe;
            if (e.getCause() instanceof InterruptedException ie) throw ie;
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IOException(e.getCause());
        }
    }

    private CommandResult runHere(List<String> argv, byte[] input, RuneIo io) throws IOException, InterruptedException {
        if (io != null) {
            List<FdAction> fds = List.of(fd(io.stdin(), 0), fd(io.stdout(), 1), fd(io.stderr(), 2));
            Child c = reaper.spawn(new SpawnRequest(argv, env, null, fds, false, false));
            return new CommandResult(c.await().status(), NONE, NONE);
        }
        int[] out = Posix.pipe(), err = Posix.pipe(), in = input == null ? null : Posix.pipe();
        Child c;
        try {
            List<FdAction> fds = List.of(in == null ? FdAction.devNull(0) : new FdAction.Dup(in[0], 0),
                    new FdAction.Dup(out[1], 1), new FdAction.Dup(err[1], 2));
            c = reaper.spawn(new SpawnRequest(argv, env, null, fds, false, false));
        } catch (IOException e) {
            closeAll(out[0], err[0], in == null ? -1 : in[1]);
            throw e;
        } finally {
            closeAll(out[1], err[1], in == null ? -1 : in[0]);
        }
        try {
            if (in != null) {
                // Inputs are small JSON documents (resources, process specs): below the pipe buffer.
                Posix.writeFully(in[1], input);
                Posix.close(in[1]);
                in = null;
            }
            byte[] stdout = Posix.readAll(out[0]);
            byte[] stderr = Posix.readAll(err[0]);
            return new CommandResult(c.await().status(), stdout, stderr);
        } finally {
            closeAll(out[0], err[0], in == null ? -1 : in[1]);
        }
    }

    private static FdAction fd(int fd, int target) {
        return fd < 0 ? FdAction.devNull(target) : new FdAction.Dup(fd, target);
    }

    private static void closeAll(int... fds) {
        for (int fd : fds) Posix.closeQuietly(fd);
    }
}
