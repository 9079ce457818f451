package io.rune.shim.e2e;

import java.util.function.Function;

/** The outcome of one scenario under the reference runtime and under the runtime under test. */
public record Sides<T>(T ref, T ut) {

    /** Runs the scenario under the reference first, then under the runtime under test. */
    public static <T> Sides<T> run(ShimRuntime ref, ShimRuntime ut, Function<ShimRuntime, T> scenario) {
        T r = scenario.apply(ref);
        T u = scenario.apply(ut);
        Sides<T> sides = new Sides<>(r, u);
        System.err.println("[e2e] outcome:" + sides);
        return sides;
    }

    @Override
    public String toString() {
        return "\n  reference:    " + ref + "\n  under test:   " + ut;
    }
}
