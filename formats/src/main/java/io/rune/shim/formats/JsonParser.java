package io.rune.shim.formats;

/**
 * RFC 8259, strictly: no comments, no trailing commas, no NaN, no leading zeros, nothing after the
 * value but whitespace. Recursive descent over the whole text (spec files are small); nesting is
 * bounded so hostile input cannot exhaust the stack. Errors carry line and column.
 */
final class JsonParser {
    /** Deeper than any OCI spec or rune output; far below what a 512 KiB thread stack holds. */
    static final int MAX_DEPTH = 512;

    private final String text;
    private final String source;
    private int pos;

    private JsonParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    static JsonValue parse(String text, String source) throws FormatException {
        JsonParser p = new JsonParser(text, source);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') p.pos = 1; // a byte order mark may be ignored (RFC 8259 §8.1)
        p.skipWhitespace();
        JsonValue v = p.value(0);
        p.skipWhitespace();
        if (p.pos < text.length()) throw p.error("unexpected " + p.found() + " after the JSON value");
        return v;
    }

    private JsonValue value(int depth) throws FormatException {
        if (pos >= text.length()) throw error("unexpected end of input, expected a value");
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> new JsonString(string());
            case 't' -> literal("true", JsonBool.TRUE);
            case 'f' -> literal("false", JsonBool.FALSE);
            case 'n' -> literal("null", JsonNull.NULL);
            default -> {
                if (c == '-' || c >= '0' && c <= '9') yield number();
                throw error("expected a value, found " + found());
            }
        };
    }

    private JsonObject object(int depth) throws FormatException {
        checkDepth(depth);
        pos++; // '{'
        JsonObject o = new JsonObject();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return o;
        }
        while (true) {
            if (peek() != '"') throw error(o.isEmpty() ? "expected a member name (a string) or '}', found " + found()
                    : "expected a member name (a string), found " + found());
            String key = string();
            skipWhitespace();
            if (peek() != ':') throw error("expected ':' after member name, found " + found());
            pos++;
            skipWhitespace();
            o.put(key, value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == '}') {
                pos++;
                return o;
            } else {
                throw error("expected ',' or '}', found " + found());
            }
        }
    }

    private JsonArray array(int depth) throws FormatException {
        checkDepth(depth);
        pos++; // '['
        JsonArray a = new JsonArray();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return a;
        }
        while (true) {
            a.add(value(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
                skipWhitespace();
            } else if (c == ']') {
                pos++;
                return a;
            } else {
                throw error("expected ',' or ']', found " + found());
            }
        }
    }

    private void checkDepth(int depth) throws FormatException {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }

    /** A string at pos (its opening quote); pos ends after the closing quote. */
    private String string() throws FormatException {
        int start = pos++;
        StringBuilder sb = null;
        int run = pos; // start of the current run of plain characters
        while (true) {
            if (pos >= text.length()) throw errorAt(start, "unterminated string");
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(run, pos) : sb.append(text, run, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("control character " + codePoint(c) + " in a string must be escaped");
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(text, run, pos);
            pos++;
            if (pos >= text.length()) throw errorAt(start, "unterminated string");
            char e = text.charAt(pos++);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                // a surrogate pair is two escapes, each a UTF-16 unit: appended in turn they form the pair
                case 'u' -> sb.append((char) hex4());
                default -> throw errorAt(pos - 2, "invalid escape '\\" + printable(e) + "'");
            }
            run = pos;
        }
    }

    private int hex4() throws FormatException {
        if (pos + 4 > text.length()) throw errorAt(pos - 2, "invalid \\u escape: expected 4 hex digits");
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) throw errorAt(pos - 2, "invalid \\u escape: expected 4 hex digits");
            v = v << 4 | d;
        }
        pos += 4;
        return v;
    }

    private JsonNumber number() throws FormatException {
        int end = numberEnd(text, pos);
        if (end < 0 || end < text.length() && isNumberChar(text.charAt(end))) {
            int stop = pos;
            while (stop < text.length() && isNumberChar(text.charAt(stop))) stop++;
            throw error("invalid number '" + text.substring(pos, Math.min(stop, pos + 40)) + "'");
        }
        String lexeme = text.substring(pos, end);
        pos = end;
        return new JsonNumber(lexeme);
    }

    private static boolean isNumberChar(char c) {
        return c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    /**
     * End of the JSON number starting at {@code i} ({@code -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?}),
     * or -1 when none starts there.
     */
    static int numberEnd(CharSequence s, int i) {
        int n = s.length();
        if (i < n && s.charAt(i) == '-') i++;
        if (i >= n) return -1;
        if (s.charAt(i) == '0') {
            i++;
        } else if (isDigit(s.charAt(i))) {
            while (i < n && isDigit(s.charAt(i))) i++;
        } else {
            return -1;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            if (i >= n || !isDigit(s.charAt(i))) return -1;
            while (i < n && isDigit(s.charAt(i))) i++;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) i++;
            if (i >= n || !isDigit(s.charAt(i))) return -1;
            while (i < n && isDigit(s.charAt(i))) i++;
        }
        return i;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private JsonValue literal(String word, JsonValue v) throws FormatException {
        if (!text.startsWith(word, pos)) throw error("expected a value, found " + found());
        pos += word.length();
        return v;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    /** What is at pos, for "found ..." in a message. */
    private String found() {
        if (pos >= text.length()) return "end of input";
        char c = text.charAt(pos);
        return c < 0x20 || c == 0x7f ? codePoint(c) : "'" + printable(c) + "'";
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? codePoint(c) : String.valueOf(c);
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }

    private FormatException error(String reason) {
        return errorAt(pos, reason);
    }

    private FormatException errorAt(int offset, String reason) {
        return FormatException.at(source, text, offset, reason);
    }
}
