package io.rune.shim.runc;

import java.io.IOException;
import java.util.List;

/**
 * Runs one command to completion. The seam between the CLI driver and process management:
 * the shim implements it with its reaper; tests implement it with a recorder.
 *
 * @param input bytes written to the command's stdin (null: none); only when io is null
 * @param io    fds to hand over as stdio, or null to capture stdout and stderr
 */
public interface Monitor {
    CommandResult run(List<String> argv, byte[] input, RuneIo io) throws IOException, InterruptedException;
}
