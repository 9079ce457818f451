package io.rune.shim.formats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonValueTest {

    private static JsonObject spec() throws FormatException {
        return Json.parse("""
                {"process": {"user": {"uid": 1000, "gid": "x"}, "env": ["A=1", 2, true, null, {}],
                 "terminal": true, "big": 99999999999},
                 "root": {"path": "rootfs"}, "list": [1]}
                """).asObject().orElseThrow();
    }

    @Test
    void navigationNeverThrows() throws Exception {
        JsonObject s = spec();
        assertEquals(Optional.of("rootfs"), s.at("root", "path").flatMap(JsonValue::asString));
        assertTrue(s.at("root", "path", "deeper").isEmpty());
        assertTrue(s.at("nope", "path").isEmpty());
        assertTrue(s.at("list", "0").isEmpty(), "arrays have no members");
        assertTrue(new JsonString("x").get("a").isEmpty());
        assertEquals(Optional.of(s), s.at());
        assertTrue(s.asArray().isEmpty());
        assertTrue(JsonNull.NULL.asObject().isEmpty());
    }

    @Test
    void typedGettersWithDefaults() throws Exception {
        JsonObject user = spec().at("process", "user").flatMap(JsonValue::asObject).orElseThrow();
        assertEquals(1000, user.getInt("uid", -1));
        assertEquals(-1, user.getInt("missing", -1));
        assertEquals(-1, user.getInt("gid", -1), "not a number: the default");
        assertEquals("x", user.getString("gid", ""));
        assertEquals("", user.getString("uid", ""), "a number is not a string");
        assertEquals(Optional.empty(), user.getString("uid"));
        JsonObject process = spec().getObject("process").orElseThrow();
        assertTrue(process.getBoolean("terminal", false));
        assertFalse(process.getBoolean("user", false));
        assertEquals(99999999999L, process.getLong("big", 0));
        assertEquals("number 99999999999 does not fit in an int",
                assertThrows(ArithmeticException.class, () -> process.getInt("big", 0)).getMessage());
        assertEquals(List.of("A=1", "2", "true"), process.getArray("env").orElseThrow().scalarTexts());
        assertTrue(process.getObject("env").isEmpty());
        assertTrue(process.getArray("user").isEmpty());
    }

    @Test
    void scalarTextAndKinds() {
        assertEquals(Optional.of("s"), new JsonString("s").scalarText());
        assertEquals(Optional.of("1.50"), new JsonNumber("1.50").scalarText());
        assertEquals(Optional.of("false"), JsonBool.FALSE.scalarText());
        assertEquals(Optional.empty(), JsonNull.NULL.scalarText());
        assertEquals(Optional.empty(), new JsonArray().scalarText());
        assertEquals(List.of("object", "array", "string", "number", "boolean", "null"), List.of(new JsonObject().kind(),
                new JsonArray().kind(), new JsonString("").kind(), JsonNumber.of(1).kind(), JsonBool.TRUE.kind(), JsonNull.NULL.kind()));
    }

    @Test
    void mutationKeepsOrderAndPlace() throws Exception {
        JsonObject s = spec();
        JsonObject process = s.getObject("process").orElseThrow();
        process.put("env", JsonArray.ofStrings(List.of("A=2", "B=3")));
        assertEquals("{\"user\":{\"uid\":1000,\"gid\":\"x\"},\"env\":[\"A=2\",\"B=3\"],\"terminal\":true,\"big\":99999999999}",
                Json.write(process), "replaced in place");
        assertEquals(Optional.of(JsonBool.TRUE), process.remove("terminal"));
        assertFalse(process.has("terminal"));
        assertEquals(Optional.empty(), process.remove("terminal"));
        process.put("terminal", false);
        assertEquals(List.of("user", "env", "big", "terminal"), List.copyOf(process.members().keySet()));
        JsonArray a = new JsonArray().add(1).add("two").add(false).add(JsonNull.NULL);
        a.addObject().put("k", "v").putArray("l").add(3);
        assertEquals("[1,\"two\",false,null,{\"k\":\"v\",\"l\":[3]}]", Json.write(a));
        assertThrows(UnsupportedOperationException.class, () -> process.members().clear());
        assertThrows(UnsupportedOperationException.class, () -> a.elements().clear());
        assertThrows(NullPointerException.class, () -> process.put("x", (JsonValue) null));
        assertThrows(NullPointerException.class, () -> new JsonString(null));
    }

    @Test
    void equalityIsByContent() throws Exception {
        assertEquals(Json.parse("{\"a\":1,\"b\":[true]}"), Json.parse("{\"b\":[true],\"a\":1}"), "member order is no part of a value");
        assertNotEquals(Json.parse("[1,2]"), Json.parse("[2,1]"));
        assertNotEquals(Json.parse("1"), Json.parse("1.0"), "numbers compare by lexeme");
        assertEquals(Json.parse("{\"a\":1}").hashCode(), Json.parse("{\"a\":1}").hashCode());
    }

    @Test
    void switchesOverTheClosedSet() throws Exception {
        int count = 0;
        for (JsonValue v : Json.parse("[{},[],\"\",0,true,null]").asArray().orElseThrow()) {
            count += switch (v) {
                case JsonObject o -> 1;
                case JsonArray a -> 1;
                case JsonString s -> 1;
                case JsonNumber n -> 1;
                case JsonBool b -> 1;
                case JsonNull n -> 1;
            };
        }
        assertEquals(6, count);
    }
}
