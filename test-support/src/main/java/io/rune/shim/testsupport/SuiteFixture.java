package io.rune.shim.testsupport;

import java.io.IOException;

/** A suite's private containerd as {@link SharedFixture} sees it: closable, with a log to show on failure. */
public interface SuiteFixture extends AutoCloseable {

    /** The last lines of the containerd log. */
    String logTail(int lines);

    /** Removes everything of the suite; never throws, safe to call twice. */
    @Override
    void close();

    /** The steps that bring a fixture up. */
    @FunctionalInterface
    interface Boot {
        void run() throws IOException;
    }

    /**
     * Runs boot for a fixture just made; when it fails, closes the fixture and throws with the tail of
     * its containerd log. what names the fixture in the message.
     */
    static <T extends SuiteFixture> T bootOrClose(T fixture, Boot boot, String what) {
        try {
            boot.run();
            return fixture;
        } catch (IOException | RuntimeException e) {
            String tail = fixture.logTail(40);
            fixture.close();
            throw new IllegalStateException(what + " did not start: " + e.getMessage()
                    + "\n--- containerd.log tail ---\n" + tail, e);
        }
    }
}
