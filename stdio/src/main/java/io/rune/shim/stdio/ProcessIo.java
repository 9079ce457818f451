package io.rune.shim.stdio;


import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The stdio of one container process: pipes handed to rune (and through it to the process),
 * and pumps between those pipes and containerd's FIFOs or a log file.
 *
 * <p>Output FIFOs are opened O_RDWR: that never blocks on a FIFO and keeps writes from failing
 * while a client re-attaches (the Go shim keeps an extra reader for the same reason). The stdin
 * FIFO gets an extra writer of ours, so the process sees EOF only after CloseIO or Delete.
 */
final class ProcessIo implements ProcessStdio {
    private final StdioFds fds;
    private final List<Integer> childSide = new ArrayList<>();
    private final List<Pump> outputs = new ArrayList<>();
    private Pump stdinPump;
    private BinaryLogger logger;
    private int stdinHold = -1;

    private ProcessIo(StdioFds fds) {
        this.fds = fds;
    }

    static ProcessIo open(String id, StdioPaths s, IoContext ctx) throws IOException {
        if (s.isNull()) return new ProcessIo(StdioFds.NULL);
        String scheme = scheme(s.stdout());
        return switch (scheme) {
            case "fifo" -> fifos(id, s, ctx.ioUid(), ctx.ioGid());
            case "file" -> file(id, s, ctx.ioUid(), ctx.ioGid());
            case "binary" -> binary(s, ctx);
            default -> throw new StdioException(StdioException.Reason.UNKNOWN, "unknown STDIO scheme " + scheme);
        };
    }

    /**
     * binary:///path?k=v: a logging program gets the process's stdout and stderr pipes as its
     * fds 3 and 4 and tells us it is ready by writing to (or closing) fd 5.
     */
    private static ProcessIo binary(StdioPaths s, IoContext ctx) throws IOException {
        BinaryLogger logger = BinaryLogger.start(URI.create(s.stdout()), ctx);
        ProcessIo io = new ProcessIo(new StdioFds(-1, logger.stdoutFd(), logger.stderrFd()));
        io.childSide.add(logger.stdoutFd());
        io.childSide.add(logger.stderrFd());
        io.logger = logger;
        return io;
    }

    static String scheme(String stdout) {
        if (stdout.isEmpty()) return "fifo";
        int c = stdout.indexOf("://");
        return c < 0 ? "fifo" : stdout.substring(0, c);
    }

    private static ProcessIo fifos(String id, StdioPaths s, int uid, int gid) throws IOException {
        List<Integer> opened = new ArrayList<>();
        int[] inPipe = null, outPipe = null, errPipe = null;
        int inFifo = -1, hold = -1, outFifo = -1, errFifo = -1;
        try {
            // Everything that can fail happens before any pump owns an fd.
            if (!s.stdin().isEmpty()) { inPipe = track(opened, Posix.pipe()); }
            if (!s.stdout().isEmpty()) { outPipe = track(opened, Posix.pipe()); }
            if (!s.stderr().isEmpty()) { errPipe = track(opened, Posix.pipe()); }
            if (outPipe != null) { outFifo = Posix.open(s.stdout(), Posix.O_RDWR, 0); opened.add(outFifo); chown(outPipe[1], uid, gid); }
            if (errPipe != null) { errFifo = Posix.open(s.stderr(), Posix.O_RDWR, 0); opened.add(errFifo); chown(errPipe[1], uid, gid); }
            if (inPipe != null) {
                inFifo = Posix.open(s.stdin(), Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
                opened.add(inFifo);
                hold = Posix.open(s.stdin(), Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
                opened.add(hold);
                Posix.setBlocking(inFifo, true);
                chown(inPipe[0], uid, gid);
            }
        } catch (IOException | RuntimeException e) {
            for (int fd : opened) Posix.closeQuietly(fd);
            throw e;
        }
        ProcessIo io = new ProcessIo(new StdioFds(inPipe == null ? -1 : inPipe[0], outPipe == null ? -1 : outPipe[1],
                errPipe == null ? -1 : errPipe[1]));
        if (inPipe != null) io.childSide.add(inPipe[0]);
        if (outPipe != null) io.childSide.add(outPipe[1]);
        if (errPipe != null) io.childSide.add(errPipe[1]);
        io.stdinHold = hold;
        if (outPipe != null) io.outputs.add(new Pump(id + "-stdout", outPipe[0], outFifo, true));
        if (errPipe != null) io.outputs.add(new Pump(id + "-stderr", errPipe[0], errFifo, true));
        if (inPipe != null) io.stdinPump = new Pump(id + "-stdin", inFifo, inPipe[1], true);
        return io;
    }

    private static int[] track(List<Integer> opened, int[] pipe) {
        opened.add(pipe[0]);
        opened.add(pipe[1]);
        return pipe;
    }

    /** file:///path: stdout and stderr both appended to the file, as the Go shim does. */
    private static ProcessIo file(String id, StdioPaths s, int uid, int gid) throws IOException {
        Path path = LogFile.prepare(s.stdout());
        List<Integer> opened = new ArrayList<>();
        int f1, f2;
        int[] outPipe, errPipe;
        try {
            f1 = Posix.open(path.toString(), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_APPEND, 0644);
            opened.add(f1);
            f2 = Posix.open(path.toString(), Posix.O_WRONLY | Posix.O_APPEND, 0);
            opened.add(f2);
            outPipe = track(opened, Posix.pipe());
            errPipe = track(opened, Posix.pipe());
        } catch (IOException | RuntimeException e) {
            for (int fd : opened) Posix.closeQuietly(fd);
            throw e;
        }
        ProcessIo io = new ProcessIo(new StdioFds(-1, outPipe[1], errPipe[1]));
        chown(outPipe[1], uid, gid);
        chown(errPipe[1], uid, gid);
        io.childSide.add(outPipe[1]);
        io.childSide.add(errPipe[1]);
        io.outputs.add(new Pump(id + "-stdout", outPipe[0], f1, true));
        io.outputs.add(new Pump(id + "-stderr", errPipe[0], f2, true));
        return io;
    }

    private static void chown(int fd, int uid, int gid) throws SysException {
        if (uid != 0 || gid != 0) Posix.fchown(fd, uid, gid);
    }

    /**
     * Starts the copies once rune created the process. Before that nothing is copied, so rune's
     * own error text on a failed create does not reach the container's stderr (as with the Go shim).
     */
    private void startCopying() {
        for (Pump p : outputs) p.start();
        if (stdinPump != null) stdinPump.start();
    }

    @Override
    public void started() {
        closeChildSide();
        startCopying();
    }

    @Override
    public String consoleSocket() {
        return null;
    }

    @Override
    public void resize(int width, int height) {
        // no console: nothing to resize (the Go shim answers success too)
    }

    @Override
    public StdioFds fds() {
        return fds;
    }

    /** After rune create/exec returned, the process holds its ends: drop ours so EOF can happen. */
    private void closeChildSide() {
        for (int fd : childSide) Posix.closeQuietly(fd);
        childSide.clear();
    }

    /** Waits until stdout/stderr reached EOF (all output delivered), at most the timeout. */
    @Override
    public boolean awaitOutput(Duration timeout) {
        if (logger != null) return true; // the logger reads the pipes itself
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (Pump p : outputs) {
            all &= p.await(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        return all;
    }

    /** CloseIO: drop our writer of the stdin FIFO, so the process sees EOF once clients close theirs. */
    @Override
    public void closeStdin() {
        Posix.closeQuietly(stdinHold);
        stdinHold = -1;
    }

    @Override
    public void close() {
        closeChildSide();
        if (logger != null) logger.stop();
        closeStdin();
        if (stdinPump != null) stdinPump.stop();
        for (Pump p : outputs) p.stop();
    }
}
