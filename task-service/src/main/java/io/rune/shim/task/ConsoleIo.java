package io.rune.shim.task;

import io.rune.shim.runc.RuneIo;
import java.io.IOException;
import java.time.Duration;

/** A process with a terminal: placeholder until console support lands (answers Unimplemented). */
final class ConsoleIo implements ProcessStdio {
    private ConsoleIo() {}

    static ConsoleIo open(String name, StdioPaths s, int ioUid, int ioGid) throws IOException {
        throw ShimError.unimplemented("terminal (tty) processes are not supported by this shim yet");
    }

    @Override public RuneIo runeIo() { return RuneIo.NULL; }
    @Override public String consoleSocket() { return null; }
    @Override public void started() {}
    @Override public boolean awaitOutput(Duration timeout) { return true; }
    @Override public void closeStdin() {}
    @Override public void resize(int width, int height) {}
    @Override public void close() {}
}
