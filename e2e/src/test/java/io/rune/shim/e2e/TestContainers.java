package io.rune.shim.e2e;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Hands out unique container ids for one test and force-removes all of them afterwards. */
public final class TestContainers implements AutoCloseable {
    private record Entry(ShimRuntime rt, String id) {}

    private final PrivateContainerd ctd;
    private final List<Entry> entries = new ArrayList<>();

    public TestContainers(PrivateContainerd ctd) {
        this.ctd = ctd;
    }

    /** {@code <runtime tag>-<label>-<random hex>}, e.g. {@code ut-echo-3fa9c1}. */
    public synchronized String newId(ShimRuntime rt, String label) {
        byte[] r = new byte[3];
        ThreadLocalRandom.current().nextBytes(r);
        String id = rt.tag() + "-" + label + "-" + HexFormat.of().formatHex(r);
        entries.add(new Entry(rt, id));
        ctd.register(rt, id);
        return id;
    }

    @Override
    public void close() {
        List<Entry> copy;
        synchronized (this) {
            copy = List.copyOf(entries);
            entries.clear();
        }
        copy.parallelStream().forEach(e -> ctd.forceRemove(e.rt(), e.id()));
    }
}
