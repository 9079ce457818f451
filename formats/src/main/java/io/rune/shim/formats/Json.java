package io.rune.shim.formats;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * JSON in and out: {@link #parse} (RFC 8259, strict), {@link #write} (compact) and
 * {@link #writePretty}. Errors are {@link FormatException}s that name the line and column.
 */
public final class Json {
    private Json() {}

    public static JsonValue parse(String text) throws FormatException {
        return JsonParser.parse(text, null);
    }

    /** @param source what the text is, for error messages ({@code config.json: line 3 col 7: ...}); may be null */
    public static JsonValue parse(String text, String source) throws FormatException {
        return JsonParser.parse(text, source);
    }

    /** UTF-8 bytes (a leading byte order mark is skipped); invalid UTF-8 is a FormatException. */
    public static JsonValue parse(byte[] utf8, String source) throws FormatException {
        return JsonParser.parse(decode(utf8, source), source);
    }

    /** A file, named by its path in errors. */
    public static JsonValue read(Path file) throws IOException {
        return parse(Files.readAllBytes(file), file.toString());
    }

    /** Compact JSON, as Go's json.Marshal lays it out. */
    public static String write(JsonValue v) {
        return JsonWriter.write(v, false);
    }

    /** Compact JSON, UTF-8. */
    public static byte[] writeBytes(JsonValue v) {
        return write(v).getBytes(StandardCharsets.UTF_8);
    }

    /** Indented by two spaces, one member or element a line; no final newline. */
    public static String writePretty(JsonValue v) {
        return JsonWriter.write(v, true);
    }

    private static String decode(byte[] utf8, String source) throws FormatException {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        try {
            return d.decode(in).toString();
        } catch (CharacterCodingException e) {
            // locate the bad byte: decode what precedes it (the decoder stopped at it)
            int bad = badByteOffset(utf8);
            CharBuffer before = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(utf8, 0, bad));
            throw FormatException.at(source, before, before.length(), "invalid UTF-8 byte 0x"
                    + Integer.toHexString(utf8[bad] & 0xff));
        }
    }

    private static int badByteOffset(byte[] utf8) {
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(utf8);
        CharBuffer out = CharBuffer.allocate(utf8.length + 1);
        d.decode(in, out, true);
        return Math.min(in.position(), utf8.length - 1);
    }
}
