package io.rune.shim.frame.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The shim's SLF4J 2 provider, found by slf4j-api through META-INF/services. Not named through
 * the {@code slf4j.provider} property instead: slf4j then reports the choice on stderr (through
 * String.format), which start's answer cannot have, and the service lookup is cheap.
 */
public final class LineLoggerProvider implements SLF4JServiceProvider {
    // made here, not in initialize(): slf4j asks for the MDC adapter before it calls initialize()
    private final ILoggerFactory loggers = new LineLoggerFactory();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter(); // the daemon's lines carry their fields in the message

    @Override
    public void initialize() {}

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }
}
