package io.rune.shim.stdio;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Starts a long-lived helper process (a binary:// logger). The shim implements it with its
 * reaper, so the helper's exit is seen by the one thread that waits for children.
 */
@FunctionalInterface
public interface HelperLauncher {
    /**
     * @param env the helper's whole environment (nothing of the shim's)
     * @param fds the helper's fds: its fd number → our fd to copy there; any of 0..2 not named is /dev/null
     */
    Helper launch(List<String> argv, Map<String, String> env, Map<Integer, Integer> fds) throws IOException;

    /** A started helper. */
    interface Helper {
        int pid();

        /** Its exit status once reaped, empty while it runs. */
        OptionalInt exitStatus();

        /** Waits at most the timeout for it to be reaped; whether it was. */
        boolean awaitExit(Duration timeout) throws InterruptedException;
    }
}
