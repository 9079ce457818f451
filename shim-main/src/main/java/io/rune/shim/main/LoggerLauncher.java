package io.rune.shim.main;

import io.rune.shim.frame.Command;
import io.rune.shim.frame.HelperProcess;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.stdio.HelperLauncher;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/** stdio's helper launcher (binary:// loggers) on the frame's runner, so the reaper sees their exits. */
final class LoggerLauncher implements HelperLauncher {
    private final ReaperCommands commands;

    LoggerLauncher(ReaperCommands commands) {
        this.commands = commands;
    }

    @Override
    public Helper launch(List<String> argv, Map<String, String> env, Map<Integer, Integer> fds) throws IOException {
        HelperProcess p = commands.spawn(Command.of(argv).withOnlyEnv(env).withFds(fds));
        return new Helper() {
            @Override
            public int pid() {
                return p.pid();
            }

            @Override
            public OptionalInt exitStatus() {
                return p.exit().isDone() ? OptionalInt.of(p.exit().join().status()) : OptionalInt.empty();
            }

            @Override
            public boolean awaitExit(Duration timeout) throws InterruptedException {
                return p.await(timeout) != null;
            }
        };
    }
}
