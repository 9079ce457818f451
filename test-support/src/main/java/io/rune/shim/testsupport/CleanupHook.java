package io.rune.shim.testsupport;

/** A JVM shutdown hook that cleans up when the run is killed; an orderly close unregisters it first. */
public final class CleanupHook {
    private final Thread thread;

    private CleanupHook(Thread thread) {
        this.thread = thread;
    }

    public static CleanupHook register(String name, Runnable cleanup) {
        Thread t = new Thread(cleanup, name);
        Runtime.getRuntime().addShutdownHook(t);
        return new CleanupHook(t);
    }

    /** Removes the hook, unless this is the hook running or the JVM is already shutting down. */
    public void unregister() {
        if (Thread.currentThread() == thread) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(thread);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
    }
}
