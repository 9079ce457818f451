package io.rune.shim.formats;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonTest {

    private static FormatException bad(String text) {
        return assertThrows(FormatException.class, () -> Json.parse(text, "config.json"), text);
    }

    @Test
    void scalarsAndContainers() throws Exception {
        JsonValue v = Json.parse(" {\"a\": [1, -2.5e3, true, false, null, \"x\"], \"b\": {}, \"c\": []}\n");
        JsonObject o = v.asObject().orElseThrow();
        JsonArray a = o.getArray("a").orElseThrow();
        assertEquals(6, a.size());
        assertEquals(new JsonNumber("1"), a.get(0).orElseThrow());
        assertEquals(-2500.0, a.get(1).flatMap(JsonValue::asNumber).orElseThrow().asDouble());
        assertEquals(JsonBool.TRUE, a.get(2).orElseThrow());
        assertEquals(JsonBool.FALSE, a.get(3).orElseThrow());
        assertEquals(JsonNull.NULL, a.get(4).orElseThrow());
        assertEquals("x", a.get(5).flatMap(JsonValue::asString).orElseThrow());
        assertTrue(a.get(6).isEmpty());
        assertEquals(new JsonObject(), o.get("b").orElseThrow());
        assertEquals(new JsonArray(), o.get("c").orElseThrow());
        assertEquals(List.of("a", "b", "c"), List.copyOf(o.members().keySet()));
        for (String scalar : List.of("0", "\"s\"", "true", "null", "-0.0", "1E+2")) {
            assertEquals(scalar, Json.write(Json.parse(scalar)));
        }
    }

    @Test
    void escapesAndUnicode() throws Exception {
        String s = Json.parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u00e9 \\u20AC \\ud83d\\ude00 é 😀\"").asString().orElseThrow();
        assertEquals("q\" b\\ s/ \b\f\n\r\t é € 😀 é 😀", s);
        // a lone surrogate escape is kept, and written back as an escape
        String lone = Json.parse("\"a\\ud800b\"").asString().orElseThrow();
        assertEquals("a\ud800b", lone);
        assertEquals("\"a\\ud800b\"", Json.write(new JsonString(lone)));
        assertEquals("\"\\udc00\"", Json.write(new JsonString("\udc00")));
        assertEquals("\"😀\"", Json.write(new JsonString("😀")));
    }

    @Test
    void writerEscapesWhatGoNeedsEscaped() {
        assertEquals("\"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\\u2028\\u2029/<>&\u007fé\"",
                Json.write(new JsonString("\"\\\b\f\n\r\t\u0001\u001f\u2028\u2029/<>&\u007fé")));
    }

    @Test
    void numbersKeepTheirLexeme() throws Exception {
        String doc = "{\"u64\":18446744073709551615,\"big\":123456789012345678901234567890,\"f\":1.50,"
                + "\"e\":6.02e23,\"neg\":-0,\"tiny\":1E-400,\"huge\":1e400}";
        JsonObject o = Json.parse(doc).asObject().orElseThrow();
        assertEquals(doc, Json.write(o));
        JsonNumber u64 = o.get("u64").flatMap(JsonValue::asNumber).orElseThrow();
        ArithmeticException e = assertThrows(ArithmeticException.class, u64::asLong);
        assertEquals("number 18446744073709551615 does not fit in a long", e.getMessage());
        assertEquals(new java.math.BigDecimal("18446744073709551615"), u64.asBigDecimal());
        assertEquals("number 1e400 is out of the range of a double",
                assertThrows(ArithmeticException.class, () -> new JsonNumber("1e400").asDouble()).getMessage());
        assertEquals(0.0, new JsonNumber("1E-400").asDouble());
        assertEquals(1.5, new JsonNumber("1.50").asDouble());
    }

    @Test
    void integerAccessors() {
        assertEquals(Long.MAX_VALUE, new JsonNumber("9223372036854775807").asLong());
        assertEquals(Long.MIN_VALUE, new JsonNumber("-9223372036854775808").asLong());
        assertEquals(1000, new JsonNumber("1e3").asInt());
        assertEquals(2, new JsonNumber("2.0").asInt());
        assertEquals(0, new JsonNumber("0.0e5").asLong());
        assertEquals(-7, new JsonNumber("-700E-2").asLong());
        assertEquals("number 1.5 is not an integer", assertThrows(ArithmeticException.class, () -> new JsonNumber("1.5").asLong()).getMessage());
        assertEquals("number 2147483648 does not fit in an int",
                assertThrows(ArithmeticException.class, () -> new JsonNumber("2147483648").asInt()).getMessage());
        // hostile exponents are refused at once, not expanded
        assertThrows(ArithmeticException.class, () -> new JsonNumber("1e999999999").asLong());
        assertThrows(ArithmeticException.class, () -> new JsonNumber("1e-999999999").asLong());
        assertTrue(new JsonNumber("12").isIntegral());
        assertFalse(new JsonNumber("1.0").isIntegral());
        assertEquals("3", JsonNumber.of(3).lexeme());
        assertEquals("2.5", JsonNumber.of(2.5).lexeme());
        assertThrows(IllegalArgumentException.class, () -> JsonNumber.of(Double.NaN));
        for (String notJson : List.of("01", "+1", ".5", "1.", "1e", "0x10", "NaN", "", " 1", "1 ", "--1")) {
            assertThrows(IllegalArgumentException.class, () -> new JsonNumber(notJson), notJson);
        }
    }

    @Test
    void errorsNameLineAndColumn() {
        assertEquals("config.json: line 3 col 10: expected ',' or '}', found '3'", bad("{\n  \"a\": 1,\n  \"b\": 2 3\n}").getMessage());
        FormatException e = bad("{\n  \"a\": 1\n  \"b\": 2\n}");
        assertEquals("config.json: line 3 col 3: expected ',' or '}', found '\"'", e.getMessage());
        assertEquals(3, e.line());
        assertEquals(3, e.column());
        assertEquals("expected ',' or '}', found '\"'", e.reason());
        assertEquals("config.json", e.source());
        assertEquals("line 1 col 1: unexpected end of input, expected a value",
                assertThrows(FormatException.class, () -> Json.parse("")).getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"a\":1,}", "[1,]", "[1 2]", "{\"a\" 1}", "{a:1}", "{'a':1}", "[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[-]",
        "[NaN]", "[Infinity]", "// c\n1", "/* c */ 1", "[tru]", "[nul]", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"",
        "\"tab\there\"", "\"new\nline\"", "\"open", "[", "{", "{\"a\"", "{\"a\":", "1 2", "{} {}", "[1]]", "\u00a01",
        "[0x10]", "[1_000]", "[- 1]"})
    void malformedInputIsRejected(String text) {
        FormatException e = bad(text);
        assertTrue(e.getMessage().startsWith("config.json: line "), e.getMessage());
    }

    @Test
    void specificMessages() {
        assertEquals("config.json: line 1 col 8: expected a member name (a string), found '}'", bad("{\"a\":1,}").getMessage());
        assertEquals("config.json: line 1 col 4: expected a value, found ']'", bad("[1,]").getMessage());
        assertEquals("config.json: line 1 col 2: invalid number '01'", bad("[01]").getMessage());
        assertEquals("config.json: line 1 col 5: control character U+0009 in a string must be escaped", bad("\"tab\there\"").getMessage());
        assertEquals("config.json: line 1 col 1: unterminated string", bad("\"open").getMessage());
        assertEquals("config.json: line 1 col 2: invalid escape '\\x'", bad("\"\\x\"").getMessage());
        assertEquals("config.json: line 1 col 3: unexpected '2' after the JSON value", bad("1 2").getMessage());
        assertEquals("config.json: line 2 col 1: unexpected end of input, expected a value", bad("[\n").getMessage());
    }

    @Test
    void depthIsLimited() throws Exception {
        int ok = JsonParser.MAX_DEPTH;
        assertNotNull(Json.parse("[".repeat(ok) + "]".repeat(ok)));
        FormatException e = bad("[".repeat(ok + 1) + "]".repeat(ok + 1));
        assertTrue(e.getMessage().endsWith("nesting deeper than 512 levels"), e.getMessage());
        // a hostile document far deeper fails the same way, without a StackOverflowError
        assertThrows(FormatException.class, () -> Json.parse("{\"a\":".repeat(100_000)));
    }

    @Test
    void duplicateMembersTheLastWinsInTheFirstPlace() throws Exception {
        JsonObject o = Json.parse("{\"a\":1,\"b\":2,\"a\":3}").asObject().orElseThrow();
        assertEquals("{\"a\":3,\"b\":2}", Json.write(o));
    }

    @Test
    void bytesAreUtf8WithAnOptionalBom(@TempDir Path tmp) throws Exception {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf, '[', '"', (byte) 0xc3, (byte) 0xa9, '"', ']'};
        assertEquals("[\"é\"]", Json.write(Json.parse(bom, "x")));
        byte[] invalid = {'[', '\n', '"', 'a', (byte) 0xff, '"', ']'};
        FormatException e = assertThrows(FormatException.class, () -> Json.parse(invalid, "x.json"));
        assertEquals("x.json: line 2 col 3: invalid UTF-8 byte 0xff", e.getMessage());
        Path f = tmp.resolve("config.json");
        Files.writeString(f, "{\"k\": [true]}");
        assertEquals("{\"k\":[true]}", Json.write(Json.read(f)));
        Files.writeString(f, "{\"k\": [true}");
        assertEquals(f + ": line 1 col 12: expected ',' or ']', found '}'",
                assertThrows(FormatException.class, () -> Json.read(f)).getMessage());
    }

    @Test
    void aSpecRoundTripsByteForByte() throws Exception {
        String spec = "{\"ociVersion\":\"1.0.2-dev\",\"process\":{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},"
                + "\"args\":[\"sh\",\"-c\",\"echo \\\"hi\\\" \\u0026\\u0026 exit 0\"],\"env\":[\"PATH=/bin\",\"X=é\\t\"],"
                + "\"cwd\":\"/\",\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}]},"
                + "\"root\":{\"path\":\"rootfs\"},\"linux\":{\"resources\":{\"cpu\":{\"quota\":150000,\"realtimeRuntime\":1.50,"
                + "\"period\":18446744073709551615}},\"namespaces\":[{\"type\":\"pid\"}]},\"unknownField\":{\"nested\":[null,{}]}}";
        JsonValue v = Json.parse(spec);
        // \u0026 is read as '&' and written as itself: the text differs, the value does not
        String out = Json.write(v);
        assertEquals(spec.replace("\\u0026", "&"), out);
        assertEquals(v, Json.parse(out));
        assertEquals(v, Json.parse(Json.writePretty(v)));
        assertArrayEquals(out.getBytes(StandardCharsets.UTF_8), Json.writeBytes(v));
    }

    @Test
    void prettyLayoutIsGos() throws Exception {
        JsonObject o = new JsonObject();
        o.put("a", 1);
        o.putArray("b").add("x").add(true);
        o.putObject("c");
        o.putArray("d");
        o.putObject("e").put("f", JsonNull.NULL);
        assertEquals("""
                {
                  "a": 1,
                  "b": [
                    "x",
                    true
                  ],
                  "c": {},
                  "d": [],
                  "e": {
                    "f": null
                  }
                }""", Json.writePretty(o));
        assertEquals("{\"a\":1,\"b\":[\"x\",true],\"c\":{},\"d\":[],\"e\":{\"f\":null}}", Json.write(o));
        assertEquals(Json.write(o), o.toString());
    }
}
