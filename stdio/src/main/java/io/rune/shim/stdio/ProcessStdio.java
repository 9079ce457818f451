package io.rune.shim.stdio;


import java.io.IOException;
import java.time.Duration;

/**
 * The stdio of one container process: pipes pumped to containerd's FIFOs ({@link ProcessIo}) or a
 * console whose pty master rune sends over a socket ({@link ConsoleIo}). Lifecycle: open → hand
 * {@link #fds()} / {@link #consoleSocket()} to rune create/exec → {@link #started()} once rune
 * succeeded, or {@link #close()} if it failed.
 */
public sealed interface ProcessStdio extends AutoCloseable permits ProcessIo, ConsoleIo {

    static ProcessStdio open(String name, StdioPaths s, IoContext ctx) throws IOException {
        return s.terminal() ? ConsoleIo.open(name, s, ctx.ioUid(), ctx.ioGid()) : ProcessIo.open(name, s, ctx);
    }

    /** The fds rune gets as stdio (all /dev/null for a console: the pty takes their place). */
    StdioFds fds();

    /** Path to pass as {@code --console-socket}, or null without a terminal. */
    String consoleSocket();

    /** rune created the process: drop our copies of its ends (receive the pty master) and start copying. */
    void started() throws IOException;

    /** Waits until the process's output reached containerd (EOF copied), at most the timeout. */
    boolean awaitOutput(Duration timeout);

    /** CloseIO: the process sees EOF on stdin once the clients' writers are gone too. */
    void closeStdin();

    /** ResizePty: sets the window size of the console; without one, nothing to do (as the Go shim). */
    void resize(int width, int height) throws IOException;

    @Override
    void close();
}
