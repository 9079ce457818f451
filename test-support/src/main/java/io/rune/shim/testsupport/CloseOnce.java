package io.rune.shim.testsupport;

/**
 * Lets a fixture's close run once, whether the run ends in order or is killed (then a JVM shutdown
 * hook closes it); the orderly close removes the hook.
 */
public final class CloseOnce {
    private final Thread hook;
    private boolean closed;

    private CloseOnce(Thread hook) {
        this.hook = hook;
    }

    /** Registers close as a shutdown hook thread with this name. */
    public static CloseOnce withShutdownHook(String name, Runnable close) {
        Thread t = new Thread(close, name);
        Runtime.getRuntime().addShutdownHook(t);
        return new CloseOnce(t);
    }

    /** True for the first caller only, who then closes; removes the hook unless called from it. */
    public synchronized boolean claim() {
        if (closed) {
            return false;
        }
        closed = true;
        if (Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
        return true;
    }

    public synchronized boolean closed() {
        return closed;
    }
}
