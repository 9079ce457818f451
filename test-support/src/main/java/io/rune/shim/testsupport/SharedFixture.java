package io.rune.shim.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * JUnit 5 extension base: shares one fixture across every test class of the run (root store, closed
 * when the run ends), injects it as a constructor/method parameter and prints the containerd log tail
 * when a test fails. A suite subclasses it with a no-argument constructor.
 *
 * @param <T> the suite's fixture type
 */
public abstract class SharedFixture<T extends SuiteFixture> implements ParameterResolver, TestWatcher {

    /** Makes and boots the fixture. */
    @FunctionalInterface
    public interface Starter<T> {
        T start() throws IOException;
    }

    /** Start outcome cached in the root store so that a failed start is not retried per class. */
    private record Holder<T extends SuiteFixture>(T instance, RuntimeException failure) implements AutoCloseable {
        @Override
        public void close() {
            if (instance != null) {
                instance.close();
            }
        }
    }

    private final Class<T> type;
    private final String tag;
    private final Starter<T> starter;
    private final ExtensionContext.Namespace namespace;

    /** tag prefixes the failure report (e.g. {@code [e2e]}). */
    protected SharedFixture(Class<T> type, String tag, Starter<T> starter) {
        this.type = type;
        this.tag = tag;
        this.starter = starter;
        this.namespace = ExtensionContext.Namespace.create(type);
    }

    /** The run's fixture, started on first use. */
    public T get(ExtensionContext context) {
        Holder<?> h = context.getRoot().getStore(namespace).getOrComputeIfAbsent(Holder.class, k -> {
            try {
                return new Holder<>(starter.start(), null);
            } catch (IOException e) {
                return new Holder<>(null, new UncheckedIOException(e));
            } catch (RuntimeException e) {
                return new Holder<>(null, e);
            }
        }, Holder.class);
        if (h.failure() != null) {
            throw h.failure();
        }
        return type.cast(h.instance());
    }

    @Override
    public boolean supportsParameter(ParameterContext pc, ExtensionContext ec) {
        return pc.getParameter().getType() == type;
    }

    @Override
    public Object resolveParameter(ParameterContext pc, ExtensionContext ec) {
        return get(ec);
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        Holder<?> h = context.getRoot().getStore(namespace).get(Holder.class, Holder.class);
        if (h != null && h.instance() != null) {
            System.err.println(tag + " " + context.getDisplayName() + " failed; containerd.log tail:\n"
                    + h.instance().logTail(60) + "\n" + tag + " --- end of containerd.log tail ---");
        }
    }
}
