package io.rune.shim.sys;

/**
 * Links the libc downcalls a start-up path will need on a helper thread, while the main thread
 * does its other start-up work: each link spins bytecode, and on two cores the two overlap.
 */
public final class Prelink {
    private Prelink() {}

    /** Starts linking in the background; the returned thread can be ignored (linking is idempotent). */
    public static Thread inBackground(boolean listener) {
        return Thread.ofPlatform().name("prelink").daemon(true).start(() -> {
            Posix.prelink();
            Spawner.prelink();
            if (listener) UnixListener.prelink();
        });
    }
}
