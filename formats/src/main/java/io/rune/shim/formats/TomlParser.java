package io.rune.shim.formats;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * TOML 1.0 into a {@link JsonObject}: comments, bare/quoted/dotted keys, {@code [tables]},
 * {@code [[arrays of tables]]}, basic and literal strings (single- and multi-line), integers
 * (decimal, hex, octal, binary), floats, booleans, dates and times (kept as their text: the shim
 * reads none), arrays and inline tables. Not supported: {@code inf} and {@code nan}, which JSON
 * cannot hold. The spec's rules on redefinition are enforced, so a file that a conforming reader
 * (containerd's) would reject is rejected here too.
 */
final class TomlParser {
    /** Compiled on the first date in a file only (the shim's files hold none): a holder class. */
    private static final class DateTime {
        static final Pattern PATTERN = Pattern.compile(
                "\\d{4}-\\d{2}-\\d{2}([Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})?)?|\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?");
    }

    private final String text;
    private final String source;
    private int pos;
    private final JsonObject root = new JsonObject();
    private JsonObject current = root;

    // What made each table, by identity (JsonObject equality is by content).
    /** Defined by a [header] or as an element of an [[array of tables]]: no second header. */
    private final Set<JsonObject> byHeader = identitySet();
    /** Created by a header as the parent of another: a header may still define it, once. */
    private final Set<JsonObject> implicit = identitySet();
    /** Created by a dotted key: only dotted keys of the same table may add to it. */
    private final Set<JsonObject> byDottedKey = identitySet();
    /** Inline tables and everything in them: closed. */
    private final Set<JsonObject> inline = identitySet();
    /** Arrays made by [[headers]]; an array written as a value cannot be appended to. */
    private final Set<JsonArray> tableArrays = identitySet();

    private TomlParser(String text, String source) {
        this.text = text;
        this.source = source;
    }

    static JsonObject parse(String text, String source) throws FormatException {
        TomlParser p = new TomlParser(text, source);
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') p.pos = 1;
        p.document();
        return p.root;
    }

    private static <T> Set<T> identitySet() {
        return Collections.newSetFromMap(new IdentityHashMap<>());
    }

    private void document() throws FormatException {
        while (true) {
            skipBlankLines();
            if (pos >= text.length()) return;
            if (peek() == '[') {
                if (peekAt(pos + 1) == '[') arrayTableHeader();
                else tableHeader();
                endOfLine("header");
            } else {
                keyValue(current);
                endOfLine("value");
            }
        }
    }

    // ------------------------------------------------------------------ headers

    private void tableHeader() throws FormatException {
        int start = pos;
        pos++;
        List<String> keys = key();
        expect(']', "expected ']' to close the table header");
        JsonObject t = root;
        for (int i = 0; i < keys.size() - 1; i++) t = descendForHeader(t, keys, i, start);
        String last = keys.getLast();
        JsonValue existing = t.get(last).orElse(null);
        if (existing == null) {
            JsonObject n = new JsonObject();
            t.put(last, n);
            byHeader.add(n);
            current = n;
        } else if (existing instanceof JsonObject o && implicit.contains(o)) {
            implicit.remove(o);
            byHeader.add(o);
            current = o;
        } else if (existing instanceof JsonObject o) {
            throw errorAt(start, "table [" + dotted(keys) + "] " + (inline.contains(o) ? "was already defined as an inline table"
                    : byDottedKey.contains(o) ? "was already defined by dotted keys" : "is defined twice"));
        } else {
            throw errorAt(start, "key " + dotted(keys) + " is already defined as " + article(existing));
        }
    }

    private void arrayTableHeader() throws FormatException {
        int start = pos;
        pos += 2;
        List<String> keys = key();
        expect(']', "expected ']]' to close the array-of-tables header");
        expect(']', "expected ']]' to close the array-of-tables header");
        JsonObject t = root;
        for (int i = 0; i < keys.size() - 1; i++) t = descendForHeader(t, keys, i, start);
        String last = keys.getLast();
        JsonValue existing = t.get(last).orElse(null);
        JsonArray a;
        if (existing == null) {
            a = t.putArray(last);
            tableArrays.add(a);
        } else if (existing instanceof JsonArray arr && tableArrays.contains(arr)) {
            a = arr;
        } else {
            throw errorAt(start, "key " + dotted(keys) + " is already defined as " + article(existing) + ", not an array of tables");
        }
        JsonObject n = a.addObject();
        byHeader.add(n);
        current = n;
    }

    /** One step of a header's key path: into a table (made implicitly when missing) or the last table of an array. */
    private JsonObject descendForHeader(JsonObject t, List<String> keys, int i, int start) throws FormatException {
        JsonValue v = t.get(keys.get(i)).orElse(null);
        if (v == null) {
            JsonObject n = new JsonObject();
            t.put(keys.get(i), n);
            implicit.add(n);
            return n;
        }
        if (v instanceof JsonObject o && !inline.contains(o)) return o;
        if (v instanceof JsonArray a && tableArrays.contains(a)) return (JsonObject) a.elements().getLast();
        throw errorAt(start, "key " + dotted(keys.subList(0, i + 1)) + " is already defined as " + article(v));
    }

    // ------------------------------------------------------------------ key = value

    private void keyValue(JsonObject table) throws FormatException {
        int start = pos;
        List<String> keys = key();
        if (peek() != '=') throw error(atLineEnd() ? "Newline not permitted here" : "expected '=' after the key, found " + found());
        pos++;
        skipSpaces();
        JsonValue v = value(0);
        assign(table, keys, v, start);
    }

    /** Puts v at the dotted key path under table: intermediate tables made (or reused) as dotted-key tables. */
    private void assign(JsonObject table, List<String> keys, JsonValue v, int start) throws FormatException {
        JsonObject t = table;
        for (int i = 0; i < keys.size() - 1; i++) {
            String k = keys.get(i);
            JsonValue existing = t.get(k).orElse(null);
            if (existing == null) {
                JsonObject n = new JsonObject();
                t.put(k, n);
                byDottedKey.add(n);
                t = n;
            } else if (existing instanceof JsonObject o && byDottedKey.contains(o) && !inline.contains(o)) {
                t = o;
            } else {
                throw errorAt(start, "key " + dotted(keys) + ": " + dotted(keys.subList(0, i + 1))
                        + " is already defined as " + article(existing));
            }
        }
        if (t.has(keys.getLast())) throw errorAt(start, "duplicate key " + dotted(keys));
        t.put(keys.getLast(), v);
    }

    /** A possibly dotted key; pos ends after the spaces that follow it. */
    private List<String> key() throws FormatException {
        List<String> keys = new ArrayList<>(4);
        while (true) {
            skipSpaces();
            keys.add(simpleKey());
            skipSpaces();
            if (peek() != '.') return keys;
            pos++;
        }
    }

    private String simpleKey() throws FormatException {
        char c = peek();
        if (c == '"') {
            if (text.startsWith("\"\"\"", pos)) throw error("a key cannot be a multi-line string");
            return basicString();
        }
        if (c == '\'') {
            if (text.startsWith("'''", pos)) throw error("a key cannot be a multi-line string");
            return literalString();
        }
        int start = pos;
        while (pos < text.length() && isBareKeyChar(text.charAt(pos))) pos++;
        if (pos == start) throw error(atLineEnd() ? "Newline not permitted here" : "expected a key, found " + found());
        return text.substring(start, pos);
    }

    static boolean isBareKeyChar(char c) {
        return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-';
    }

    // ------------------------------------------------------------------ values

    private JsonValue value(int depth) throws FormatException {
        if (depth > JsonParser.MAX_DEPTH) throw error("nesting deeper than " + JsonParser.MAX_DEPTH + " levels");
        char c = peek();
        if (c == '"') return new JsonString(text.startsWith("\"\"\"", pos) ? multiLineBasicString() : basicString());
        if (c == '\'') return new JsonString(text.startsWith("'''", pos) ? multiLineLiteralString() : literalString());
        if (c == '[') return array(depth + 1);
        if (c == '{') return inlineTable(depth + 1);
        if (c == '\n' || c == '\r') throw error("Newline not permitted here");
        return bareValue();
    }

    private JsonArray array(int depth) throws FormatException {
        pos++; // '['
        JsonArray a = new JsonArray();
        while (true) {
            skipBlankLines(); // an array may span lines and hold comments
            if (peek() == ']') {
                pos++;
                return a;
            }
            a.add(value(depth));
            skipBlankLines();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return a;
            } else {
                throw error("expected ',' or ']' in the array, found " + found());
            }
        }
    }

    private JsonObject inlineTable(int depth) throws FormatException {
        pos++; // '{'
        JsonObject t = new JsonObject();
        skipSpaces();
        if (peek() == '}') {
            pos++;
            inline.add(t);
            return t;
        }
        while (true) {
            int start = pos;
            List<String> keys = key();
            if (peek() != '=') throw error(atLineEnd() ? "Newline not permitted here" : "expected '=' after the key, found " + found());
            pos++;
            skipSpaces();
            assign(t, keys, value(depth), start);
            skipSpaces();
            char c = peek();
            if (c == ',') {
                pos++;
                skipSpaces();
                if (peek() == '}') throw error("trailing comma not permitted in an inline table");
            } else if (c == '}') {
                pos++;
                close(t);
                return t;
            } else {
                throw error(atLineEnd() ? "Newline not permitted here" : "expected ',' or '}' in the inline table, found " + found());
            }
        }
    }

    /** An inline table and the tables in it are complete: nothing may add to them later. */
    private void close(JsonObject t) {
        inline.add(t);
        for (JsonValue v : t.members().values()) {
            if (v instanceof JsonObject o) close(o);
        }
    }

    /** A number, boolean, date or time: a run of characters up to a delimiter. */
    private JsonValue bareValue() throws FormatException {
        int start = pos;
        while (pos < text.length() && !isValueEnd(text.charAt(pos))) pos++;
        // a date-time may have a space between date and time
        if (pos - start == 10 && peek() == ' ' && pos + 3 < text.length() && isDigit(text.charAt(pos + 1))
                && isDigit(text.charAt(pos + 2)) && text.charAt(pos + 3) == ':') {
            pos++;
            while (pos < text.length() && !isValueEnd(text.charAt(pos))) pos++;
        }
        if (pos == start) throw error("expected a value, found " + found());
        String token = text.substring(start, pos);
        switch (token) {
            case "true":
                return JsonBool.TRUE;
            case "false":
                return JsonBool.FALSE;
            case "inf", "+inf", "-inf", "nan", "+nan", "-nan":
                throw errorAt(start, token + " is not supported (JSON has no such number)");
            default:
                break;
        }
        JsonNumber n;
        try {
            n = TomlNumbers.parse(token);
        } catch (ArithmeticException e) {
            throw errorAt(start, "integer " + token + " is out of the 64-bit range");
        }
        if (n != null) return n;
        if (TomlNumbers.looksNumeric(token) && DateTime.PATTERN.matcher(token).matches()) return new JsonString(token);
        if (TomlNumbers.looksNumeric(token)) throw errorAt(start, "invalid number '" + token + "'");
        throw errorAt(start, "invalid value '" + token + "' (a string needs quotes)");
    }

    private static boolean isValueEnd(char c) {
        return c == ' ' || c == '\t' || c == ',' || c == ']' || c == '}' || c == '#' || c == '\n' || c == '\r';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    // ------------------------------------------------------------------ strings

    private String basicString() throws FormatException {
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length() || peek() == '\n' || peek() == '\r' && peekAt(pos + 1) == '\n') {
                throw errorAt(start, "unterminated string (a \"string\" ends on its line; use \"\"\" for several lines)");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c == '\\') {
                escape(sb);
            } else {
                checkStringChar(c);
                sb.append(c);
                pos++;
            }
        }
    }

    private String multiLineBasicString() throws FormatException {
        int start = pos;
        pos += 3;
        skipNewlineAfterOpening();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw errorAt(start, "unterminated multi-line string");
            char c = text.charAt(pos);
            if (closesMultiLine('"', sb)) return sb.toString();
            if (c == '\\') {
                int p = pos + 1;
                while (p < text.length() && (text.charAt(p) == ' ' || text.charAt(p) == '\t')) p++;
                if (p < text.length() && (text.charAt(p) == '\n' || text.charAt(p) == '\r')) {
                    // line-ending backslash: drop the newline and the whitespace that follows
                    pos = p;
                    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
                        if (text.charAt(pos) == '\r' && peekAt(pos + 1) != '\n') throw error("a carriage return must be followed by a newline");
                        pos++;
                    }
                    continue;
                }
                escape(sb);
            } else {
                appendMultiLineChar(c, sb);
            }
        }
    }

    private String literalString() throws FormatException {
        int start = pos++;
        int from = pos;
        while (true) {
            if (pos >= text.length() || peek() == '\n' || peek() == '\r' && peekAt(pos + 1) == '\n') {
                throw errorAt(start, "unterminated string (a 'string' ends on its line; use ''' for several lines)");
            }
            char c = text.charAt(pos);
            if (c == '\'') return text.substring(from, pos++);
            checkStringChar(c);
            pos++;
        }
    }

    private String multiLineLiteralString() throws FormatException {
        int start = pos;
        pos += 3;
        skipNewlineAfterOpening();
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) throw errorAt(start, "unterminated multi-line string");
            char c = text.charAt(pos);
            if (closesMultiLine('\'', sb)) return sb.toString();
            appendMultiLineChar(c, sb);
        }
    }

    /**
     * At {@code pos}: whether three {@code quote}s close the multi-line string. Up to two more quotes
     * directly before the closing three belong to the content; they are appended and all are consumed.
     */
    private boolean closesMultiLine(char quote, StringBuilder sb) {
        if (peek() != quote || peekAt(pos + 1) != quote || peekAt(pos + 2) != quote) return false;
        int quotes = 3;
        while (quotes < 5 && peekAt(pos + quotes) == quote) quotes++;
        for (int i = 3; i < quotes; i++) sb.append(quote);
        pos += quotes;
        return true;
    }

    /** One character of a multi-line string's content: a newline (CRLF counts as one) or a plain character. */
    private void appendMultiLineChar(char c, StringBuilder sb) throws FormatException {
        if (c == '\n') {
            sb.append('\n');
            pos++;
        } else if (c == '\r' && peekAt(pos + 1) == '\n') {
            sb.append('\n');
            pos += 2;
        } else {
            checkStringChar(c);
            sb.append(c);
            pos++;
        }
    }

    private void skipNewlineAfterOpening() {
        if (peek() == '\n') pos++;
        else if (peek() == '\r' && peekAt(pos + 1) == '\n') pos += 2;
    }

    /** TOML strings hold no raw control characters but tab. */
    private void checkStringChar(char c) throws FormatException {
        if (c < 0x20 && c != '\t' || c == 0x7f) throw error("control character " + codePoint(c) + " in a string must be escaped");
    }

    /** A backslash escape at pos, appended to sb. */
    private void escape(StringBuilder sb) throws FormatException {
        int start = pos;
        pos++;
        char e = peek();
        pos++;
        switch (e) {
            case 'b' -> sb.append('\b');
            case 't' -> sb.append('\t');
            case 'n' -> sb.append('\n');
            case 'f' -> sb.append('\f');
            case 'r' -> sb.append('\r');
            case '"' -> sb.append('"');
            case '\\' -> sb.append('\\');
            case 'u' -> sb.appendCodePoint(unicode(4, start));
            case 'U' -> sb.appendCodePoint(unicode(8, start));
            default -> throw errorAt(start, "invalid escape '\\" + (e < 0x20 ? codePoint(e) : String.valueOf(e)) + "'");
        }
    }

    private int unicode(int digits, int start) throws FormatException {
        if (pos + digits > text.length()) throw errorAt(start, "invalid unicode escape: expected " + digits + " hex digits");
        int v = 0;
        for (int i = 0; i < digits; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) throw errorAt(start, "invalid unicode escape: expected " + digits + " hex digits");
            v = v << 4 | d;
        }
        // TOML escapes name Unicode scalar values: no surrogates, nothing past U+10FFFF
        if (v < 0 || v > 0x10FFFF || v >= 0xD800 && v <= 0xDFFF) {
            throw errorAt(start, "invalid unicode escape: " + text.substring(start, pos + digits) + " is not a Unicode scalar value");
        }
        pos += digits;
        return v;
    }

    // ------------------------------------------------------------------ layout

    /** Whitespace, comments and newlines between expressions. */
    private void skipBlankLines() throws FormatException {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\n') {
                pos++;
            } else if (c == '\r') {
                if (peekAt(pos + 1) != '\n') throw error("a carriage return must be followed by a newline");
                pos += 2;
            } else if (c == '#') {
                comment();
            } else {
                return;
            }
        }
    }

    private void skipSpaces() {
        while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t')) pos++;
    }

    private void comment() throws FormatException {
        pos++; // '#'
        while (pos < text.length() && text.charAt(pos) != '\n') {
            char c = text.charAt(pos);
            if (c == '\r' && peekAt(pos + 1) == '\n') return;
            if (c < 0x20 && c != '\t' || c == 0x7f) throw error("control character " + codePoint(c) + " in a comment");
            pos++;
        }
    }

    /** After an expression: spaces, an optional comment, then a newline or the end. */
    private void endOfLine(String what) throws FormatException {
        skipSpaces();
        if (peek() == '#') comment();
        if (pos >= text.length()) return;
        if (peek() == '\n') {
            pos++;
        } else if (peek() == '\r' && peekAt(pos + 1) == '\n') {
            pos += 2;
        } else {
            throw error("expected a newline after the " + what + ", found " + found());
        }
    }

    /** At a newline, where the expression must go on: TOML keeps a key, header or inline table on one line. */
    private boolean atLineEnd() {
        return peek() == '\n' || peek() == '\r';
    }

    private void expect(char c, String otherwise) throws FormatException {
        if (peek() != c) throw error(atLineEnd() ? "Newline not permitted here" : otherwise + ", found " + found());
        pos++;
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private char peekAt(int i) {
        return i < text.length() ? text.charAt(i) : '\0';
    }

    private String found() {
        if (pos >= text.length()) return "end of input";
        char c = text.charAt(pos);
        if (c == '\n' || c == '\r' && peekAt(pos + 1) == '\n') return "newline";
        if (c == '\r') return "a carriage return without a newline";
        return c < 0x20 || c == 0x7f ? codePoint(c) : "'" + c + "'";
    }

    private static String codePoint(char c) {
        return String.format("U+%04X", (int) c);
    }

    private static String dotted(List<String> keys) {
        StringBuilder sb = new StringBuilder();
        for (String k : keys) {
            if (!sb.isEmpty()) sb.append('.');
            sb.append(TomlWriter.key(k));
        }
        return sb.toString();
    }

    private String article(JsonValue v) {
        return switch (v) {
            case JsonObject o -> inline.contains(o) ? "an inline table" : byDottedKey.contains(o) ? "a table" : "a table with a [header]";
            case JsonArray a -> "an array";
            case JsonString s -> "a string";
            case JsonNumber n -> n.isIntegral() ? "an integer" : "a float";
            case JsonBool b -> "a boolean";
            case JsonNull n -> "null";
        };
    }

    private FormatException error(String reason) {
        return errorAt(pos, reason);
    }

    private FormatException errorAt(int offset, String reason) {
        return FormatException.at(source, text, offset, reason);
    }
}
