package io.rune.shim.task;

import io.rune.shim.runc.RuneException;
import java.io.IOException;

/** rune's failures in containerd's terms: one place that turns a RuneException into a ShimError. */
final class RuneCalls {
    private RuneCalls() {}

    @FunctionalInterface
    interface Call {
        void run() throws RuneException, IOException, InterruptedException;
    }

    /** Runs the call; rune's own error text becomes an Unknown error, as the Go shim reports it. */
    static void run(Call call) throws IOException, InterruptedException {
        try {
            call.run();
        } catch (RuneException e) {
            throw ShimError.unknown(e.getMessage());
        }
    }

    /** Kill failures as the Go shim classifies them. */
    static ShimError killError(RuneException e) {
        String m = e.runeMessage();
        if (m.contains("process already finished") || m.contains("container not running")
                || m.contains("no such process")) {
            return ShimError.notFound("process already finished");
        }
        if (m.contains("does not exist")) return ShimError.notFound("no such container");
        return ShimError.unknown("unknown error after kill: " + e.getMessage());
    }
}
