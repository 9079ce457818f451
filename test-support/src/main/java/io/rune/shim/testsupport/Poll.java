package io.rune.shim.testsupport;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Polls a supplier until a predicate holds or a deadline passes; returns the last value seen. */
public final class Poll {
    private Poll() {}

    public static <T> T until(Duration timeout, Supplier<T> probe, Predicate<T> done) {
        return until(timeout, Duration.ofMillis(100), probe, done);
    }

    public static <T> T until(Duration timeout, Duration interval, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T v = probe.get();
            if (done.test(v) || System.nanoTime() - deadline > 0) {
                return v;
            }
            sleep(interval);
        }
    }

    public static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
