package io.rune.shim.crie2e;

import java.util.function.Function;

/** The outcome of one scenario under the reference handler (runc) and under the handler under test (rune). */
record Sides<T>(T ref, T ut) {

    /** Runs the scenario under runc first, then under rune. */
    static <T> Sides<T> run(Function<Handler, T> scenario) {
        T r = scenario.apply(Handler.RUNC);
        System.err.println("[cri-e2e] runc outcome: " + r);
        T u = scenario.apply(Handler.RUNE);
        Sides<T> s = new Sides<>(r, u);
        System.err.println("[cri-e2e] outcome:" + s);
        return s;
    }

    @Override
    public String toString() {
        return "\n  runc: " + ref + "\n  rune: " + ut;
    }
}
