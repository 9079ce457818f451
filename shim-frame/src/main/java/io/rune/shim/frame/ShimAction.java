package io.rune.shim.frame;

/** An extra action word of a runtime; the process exits 0 when it returns, 1 when it throws. */
@FunctionalInterface
public interface ShimAction {
    void run(Flags flags) throws Exception;
}
