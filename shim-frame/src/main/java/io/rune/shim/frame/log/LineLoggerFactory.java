package io.rune.shim.frame.log;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;

/** One {@link LineLogger} per name, made on first use. */
final class LineLoggerFactory implements ILoggerFactory {
    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();

    @Override
    public Logger getLogger(String name) {
        Logger l = loggers.get(name);
        return l != null ? l : loggers.computeIfAbsent(name, LineLogger::new);
    }
}
