package io.rune.shim.stdio;

import io.rune.shim.sys.FdAction;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Starts a long-lived helper process (a binary:// logger). The shim implements it with its
 * reaper, so the helper's exit is seen by the one thread that waits for children.
 */
@FunctionalInterface
public interface HelperLauncher {
    Helper launch(List<String> argv, List<String> env, List<FdAction> fds) throws IOException;

    /** A started helper. */
    interface Helper {
        int pid();

        /** Its exit status once reaped, empty while it runs. */
        OptionalInt exitStatus();

        /** Waits at most the timeout for it to be reaped; whether it was. */
        boolean awaitExit(Duration timeout) throws InterruptedException;
    }
}
