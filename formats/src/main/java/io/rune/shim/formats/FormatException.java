package io.rune.shim.formats;

import java.io.IOException;

/**
 * Malformed JSON or TOML, located: the message reads {@code config.json: line 3 col 7: expected ','
 * or '}'}. An IOException because the text usually comes from a file, and callers handle both alike;
 * {@link #reason()} and {@link #line()} let a caller word the message its own way.
 */
public final class FormatException extends IOException {
    private final String source;
    private final int line;
    private final int column;
    private final String reason;

    /**
     * @param source what the text is (a path, "config_body"), or null
     * @param line   1-based
     * @param column 1-based, in characters
     */
    public FormatException(String source, int line, int column, String reason) {
        super((source == null ? "" : source + ": ") + "line " + line + " col " + column + ": " + reason);
        this.source = source;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    /** What the text is, or null. */
    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** What is wrong, without the location. */
    public String reason() {
        return reason;
    }

    /** The 1-based line and column of character {@code offset} of {@code text}. */
    static FormatException at(String source, CharSequence text, int offset, String reason) {
        int line = 1, lineStart = 0;
        int end = Math.min(offset, text.length());
        for (int i = 0; i < end; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new FormatException(source, line, offset - lineStart + 1, reason);
    }
}
