package io.rune.shim.main;

import io.rune.shim.carrier.CommandRunner;
import io.rune.shim.frame.ReaperCommands;
import java.io.IOException;

/**
 * carrier's CommandRunner on the frame's runner: each enclave tool leads a process group of its
 * own, so that its timeout ends everything it started.
 */
final class ToolRunner implements CommandRunner {
    private final ReaperCommands commands;

    ToolRunner(ReaperCommands commands) {
        this.commands = commands;
    }

    @Override
    public Result run(Command c) throws IOException, InterruptedException {
        // carrier's own Command type shadows the frame's here
        var r = commands.run(io.rune.shim.frame.Command.of(c.argv()).withEnv(c.env()).withCwd(c.cwd()).withInput(c.stdin())
                .withTimeout(c.timeout()).inOwnProcessGroup());
        return new Result(r.status(), r.stdout(), r.stderr(), r.timedOut());
    }
}
