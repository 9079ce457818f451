package io.rune.shim.frame;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.LoggerFactory;

/**
 * Daemon logging, configured in code (no XML parsing on the start path): one line per event in
 * containerd's logfmt style, to stderr (the `log` FIFO). Level info, debug with -debug.
 */
public final class Logging {
    private Logging() {}

    public static void configure(boolean debug, String namespace, String runtime) {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ctx.reset();
        LogfmtLayout layout = new LogfmtLayout(namespace, runtime);
        layout.setContext(ctx);
        layout.start();
        LayoutWrappingEncoder<ch.qos.logback.classic.spi.ILoggingEvent> enc = new LayoutWrappingEncoder<>();
        enc.setContext(ctx);
        enc.setLayout(layout);
        enc.start();
        ConsoleAppender<ch.qos.logback.classic.spi.ILoggingEvent> app = new ConsoleAppender<>();
        app.setContext(ctx);
        app.setTarget("System.err");
        app.setEncoder(enc);
        app.start();
        Logger root = ctx.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(debug ? Level.DEBUG : Level.INFO);
        root.addAppender(app);
    }
}
