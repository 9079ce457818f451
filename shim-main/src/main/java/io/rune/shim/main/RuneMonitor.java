package io.rune.shim.main;

import io.rune.shim.frame.Command;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.runc.CommandResult;
import io.rune.shim.runc.Monitor;
import io.rune.shim.runc.RuneIo;
import java.io.IOException;
import java.util.List;

/** runc-driver's Monitor on the frame's runner: rune runs in the shim's process group, without a timeout. */
final class RuneMonitor implements Monitor {
    private final ReaperCommands commands;

    RuneMonitor(ReaperCommands commands) {
        this.commands = commands;
    }

    @Override
    public CommandResult run(List<String> argv, byte[] input, RuneIo io) throws IOException, InterruptedException {
        Command c = Command.of(argv);
        c = io == null ? c.withInput(input) : c.withStdio(io.stdin(), io.stdout(), io.stderr());
        var r = commands.run(c);
        return new CommandResult(r.status(), r.stdout(), r.stderr());
    }
}
