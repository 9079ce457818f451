package io.rune.shim.stdio;


import io.rune.shim.sys.FdPassing;
import io.rune.shim.sys.Fs;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SysException;
import io.rune.shim.sys.Terminal;
import io.rune.shim.sys.UnixListener;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stdio of a process with a terminal. rune creates the pty, connects to our console socket
 * ({@code <tmpdir>/pty.sock}) and sends the master with SCM_RIGHTS; the process itself gets the
 * slave. We copy the stdin FIFO into the master and the master into the stdout FIFO (stderr is
 * merged by the terminal, its FIFO is not used).
 *
 * <p>fd ownership: this object owns the listening socket, the stdin hold writer and the master
 * (kept for ResizePty); each pump owns a dup of the master and its FIFO end. The output copy
 * ends when the master reads EIO: every slave fd is closed, i.e. the process and its
 * descendants are gone. EOF on the stdin FIFO (after CloseIO and the clients' close) only drops
 * the stdin copy's dup of the master: the terminal stays up, no hang-up is sent.
 */
final class ConsoleIo implements ProcessStdio {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleIo.class);
    static final int ACCEPT_TIMEOUT_MILLIS = 30_000;

    private final String name;
    private final Path dir;
    private final Path socket;
    private int listenFd;
    private int inFifo;
    private int stdinHold;
    private int outDst;
    private int master = -1;
    private Pump stdinPump;
    private volatile Pump outPump;
    private int pendingRows = -1, pendingCols = -1;
    private boolean closed;

    private ConsoleIo(String name, Path dir, Path socket, int listenFd, int inFifo, int stdinHold, int outDst) {
        this.name = name;
        this.dir = dir;
        this.socket = socket;
        this.listenFd = listenFd;
        this.inFifo = inFifo;
        this.stdinHold = stdinHold;
        this.outDst = outDst;
    }

    /** Opens the FIFOs and the console socket before rune runs, so that bad paths fail the call early. */
    static ConsoleIo open(String name, StdioPaths s, int ioUid, int ioGid) throws IOException {
        List<Integer> opened = new ArrayList<>();
        Path dir = null;
        try {
            int outDst = openOutput(s.stdout());
            opened.add(outDst);
            int inFifo = -1, hold = -1;
            if (!s.stdin().isEmpty()) {
                // our own writer keeps the FIFO from reaching EOF until CloseIO (see ProcessIo)
                inFifo = Posix.open(s.stdin(), Posix.O_RDONLY | Posix.O_NONBLOCK, 0);
                opened.add(inFifo);
                hold = Posix.open(s.stdin(), Posix.O_WRONLY | Posix.O_NONBLOCK, 0);
                opened.add(hold);
                Posix.setBlocking(inFifo, true);
            }
            String xdg = System.getenv("XDG_RUNTIME_DIR");
            boolean runtimeDir = xdg != null && !xdg.isEmpty();
            dir = Files.createTempDirectory(Path.of(runtimeDir ? xdg : "/tmp"), "pty").toAbsolutePath();
            Path socket = dir.resolve("pty.sock");
            int listenFd = UnixListener.listen(socket.toString(), 1);
            opened.add(listenFd);
            // as go-runc: in a runtime dir the sticky bit keeps the socket from periodic clean-up
            if (runtimeDir) Fs.chmod(socket.toString(), 0755 | Fs.S_ISVTX);
            return new ConsoleIo(name, dir, socket, listenFd, inFifo, hold, outDst);
        } catch (IOException | RuntimeException e) {
            for (int fd : opened) Posix.closeQuietly(fd);
            removeDir(dir);
            throw e;
        }
    }

    /** Where the terminal's output goes: a FIFO (opened O_RDWR, as ProcessIo), a file, or nowhere. */
    private static int openOutput(String stdout) throws IOException {
        if (stdout.isEmpty()) return Posix.open("/dev/null", Posix.O_WRONLY, 0); // still drained
        String scheme = ProcessIo.scheme(stdout);
        return switch (scheme) {
            case "fifo" -> Posix.open(stdout, Posix.O_RDWR, 0);
            case "file" -> {
                Path path = LogFile.prepare(stdout);
                yield Posix.open(path.toString(), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_APPEND, 0644);
            }
            case "binary" -> throw new StdioException(StdioException.Reason.UNIMPLEMENTED, "binary:// log URIs are not supported by this shim yet");
            default -> throw new StdioException(StdioException.Reason.UNKNOWN, "unknown STDIO scheme " + scheme);
        };
    }

    @Override
    public StdioFds fds() {
        return StdioFds.NULL;
    }

    @Override
    public String consoleSocket() {
        return socket.toString();
    }

    /** rune created the process: take the pty master from the socket and start both copies. */
    @Override
    public synchronized void started() throws IOException {
        if (closed) throw new IOException("console of " + name + " is closed");
        if (master >= 0) return;
        FdPassing.Received got;
        try {
            got = FdPassing.acceptFd(listenFd, ACCEPT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            throw new IOException("console socket " + socket + ": no pty master from rune: " + e.getMessage(), e);
        } finally {
            closeListener();
        }
        master = got.fd();
        LOG.debug("call=io console={} master fd={} name={}", name, master, got.name());
        if (pendingRows >= 0) {
            try {
                Terminal.setWindowSize(master, pendingRows, pendingCols);
            } catch (SysException e) {
                LOG.warn("call=io console={} early resize: {}", name, e.getMessage());
            }
        }

        int outSrc = -1, inDst = -1;
        try {
            outSrc = Posix.dup(master);
            if (inFifo >= 0) inDst = Posix.dup(master);
            Pump out = new Pump(name + "-console-out", outSrc, outDst, true);
            outSrc = -1;
            outDst = -1; // both owned by the pump now
            outPump = out;
            if (inFifo >= 0) {
                Pump in = new Pump(name + "-console-in", inFifo, inDst, true);
                inFifo = -1;
                inDst = -1;
                stdinPump = in;
            }
        } finally {
            Posix.closeQuietly(outSrc);
            Posix.closeQuietly(inDst);
        }
        outPump.start();
        if (stdinPump != null) stdinPump.start();
    }

    /** Waits until the terminal's output copy ended (slave side closed), at most the timeout. */
    @Override
    public boolean awaitOutput(Duration timeout) {
        Pump p = outPump;
        return p == null || p.await(timeout);
    }

    /** CloseIO: drop our writer of the stdin FIFO. */
    @Override
    public synchronized void closeStdin() {
        Posix.closeQuietly(stdinHold);
        stdinHold = -1;
    }

    /** ResizePty: rows = height, cols = width; before the master arrived, applied when it does. */
    @Override
    public synchronized void resize(int width, int height) throws IOException {
        if (closed) return;
        if (master < 0) {
            pendingRows = height;
            pendingCols = width;
            return;
        }
        Terminal.setWindowSize(master, height, width);
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        closeListener();
        closeStdin();
        if (stdinPump != null) stdinPump.stop();
        Pump out = outPump;
        if (out != null) out.stop();
        // fds that no pump took over (rune failed, or started() failed half-way)
        Posix.closeQuietly(inFifo);
        inFifo = -1;
        Posix.closeQuietly(outDst);
        outDst = -1;
        Posix.closeQuietly(master);
        master = -1;
    }

    private void closeListener() {
        if (listenFd >= 0) {
            Posix.closeQuietly(listenFd);
            listenFd = -1;
            removeDir(dir);
        }
    }

    private static void removeDir(Path dir) {
        if (dir == null) return;
        try {
            Files.deleteIfExists(dir.resolve("pty.sock"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.warn("call=io remove console dir {}: {}", dir, e.getMessage());
        }
    }
}
