package io.rune.shim.e2e;

import io.rune.shim.testsupport.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * A container process whose state lives only in its memory: a random token drawn at its start and a
 * count, written as {@code "<token> <count>"} to {@code /counter-<id>} in the (shared) rootfs every
 * 0.1 s. A process restored from a checkpoint goes on with the same token and counts on from where it
 * was dumped; a process started afresh would draw a new token and count from 1.
 */
record Counter(Path file) {

    /** One line of the counter file. */
    record Reading(String token, long count) {}

    static Counter of(PrivateContainerd ctd, String id) {
        return new Counter(ctd.ctr().rootfs().resolve("counter-" + id));
    }

    /** The container's command (the file is named after the id of the container it first ran in). */
    static String[] command(String id) {
        return new String[] {"/bin/sh", "-c",
                "t=$RANDOM$RANDOM; i=0; while :; do i=$((i+1)); echo \"$t $i\" > /counter-" + id + "; sleep 0.1; done"};
    }

    /** The current reading, or null (no file yet, or caught between truncate and write). */
    Reading read() {
        try {
            String[] f = Files.readString(file).trim().split(" ");
            return f.length == 2 ? new Reading(f[0], Long.parseLong(f[1])) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * The current reading of a running counter: a single read can fall between the shell's truncate
     * and its write and see nothing, and a baseline of null makes any later comparison fail.
     */
    Reading current() {
        return await(Duration.ofSeconds(5), r -> true);
    }

    /** The first reading that satisfies done within the timeout, else the last one seen (may be null). */
    Reading await(Duration timeout, Predicate<Reading> done) {
        return Poll.until(timeout, Duration.ofMillis(50), this::read, r -> r != null && done.test(r));
    }

    /** A reading with at least this count. */
    Reading awaitCount(long atLeast) {
        return await(Duration.ofSeconds(10), r -> r.count() >= atLeast);
    }

    /** The first reading after {@code before} that differs from it (the process wrote again), or the last seen. */
    Reading awaitChange(Reading before) {
        return await(Duration.ofSeconds(10), r -> !r.equals(before));
    }
}
