package io.rune.shim.formats;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TomlTest {

    private static String json(String toml) throws FormatException {
        return Json.write(Toml.parse(toml));
    }

    private static FormatException bad(String toml) {
        return assertThrows(FormatException.class, () -> Toml.parse(toml, "x.toml"), toml);
    }

    @Test
    void inclavaresConfigFile() throws Exception {
        JsonObject c = Toml.parse("""
                log_level = "debug" # "debug" "info" "warn" "error"
                sgx_tool_sign = "/usr/local/bin/sgx_sign"

                [containerd]
                    socket = "/run/k3s/containerd/containerd.sock"
                [signature]
                    server_address = "http://sign.example:9080"
                    timeout_seconds = 2.5
                [enclave_runtime]
                    tool_timeout_seconds = 90
                    [enclave_runtime.occlum]
                        occlum_bin_dir = "/usr/local/occlum/bin"
                    [enclave_runtime.graphene]
                        trusted_dirs = ["/usr/lib/python3"]
                        allowed_files = []
                        max_threads = 64
                """);
        assertEquals("{\"log_level\":\"debug\",\"sgx_tool_sign\":\"/usr/local/bin/sgx_sign\","
                + "\"containerd\":{\"socket\":\"/run/k3s/containerd/containerd.sock\"},"
                + "\"signature\":{\"server_address\":\"http://sign.example:9080\",\"timeout_seconds\":2.5},"
                + "\"enclave_runtime\":{\"tool_timeout_seconds\":90,\"occlum\":{\"occlum_bin_dir\":\"/usr/local/occlum/bin\"},"
                + "\"graphene\":{\"trusted_dirs\":[\"/usr/lib/python3\"],\"allowed_files\":[],\"max_threads\":64}}}", Json.write(c));
    }

    @Test
    void containerdRuntimeOptionsTable() throws Exception {
        JsonObject c = Toml.parse("""
                # rune runtime options
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rune.options]
                  BinaryName = "rune"   # the CLI
                  SystemdCgroup = false
                  IoUid = 42
                """);
        assertEquals("{\"plugins\":{\"io.containerd.grpc.v1.cri\":{\"containerd\":{\"runtimes\":{\"rune\":{\"options\":"
                + "{\"BinaryName\":\"rune\",\"SystemdCgroup\":false,\"IoUid\":42}}}}}}}", Json.write(c));
    }

    @Test
    void keys() throws Exception {
        assertEquals("{\"a\":{\"b\":{\"c\":1,\"d\":2}},\"site\":{\"google.com\":true},\"q\":{\"x y\":3},\"\":4,\"-_9\":5}",
                json("a.b.c = 1\na . b . d = 2\nsite.\"google.com\" = true\nq.'x y' = 3\n\"\" = 4\n-_9 = 5\n"));
        assertEquals("{\"1234\":\"bare digits\",\"é\":\"quoted unicode\"}", json("1234 = \"bare digits\"\n\"\\u00e9\" = \"quoted unicode\""));
    }

    @Test
    void strings() throws Exception {
        assertEquals("\"tab\\tquote\\\" back\\\\ é 😀 \\u0001\"",
                Json.write(Toml.parse("s = \"tab\\tquote\\\" back\\\\ \\u00E9 \\U0001F600 \\u0001\"").get("s").orElseThrow()));
        assertEquals("C:\\Users\\nodejs\\templates", Toml.parse("s = 'C:\\Users\\nodejs\\templates'").getString("s", null));
        assertEquals("Roses are red\nViolets are blue", Toml.parse("s = \"\"\"\nRoses are red\r\nViolets are blue\"\"\"").getString("s", null));
        assertEquals("The quick brown fox jumps over the lazy dog.",
                Toml.parse("s = \"\"\"\nThe quick brown \\\n\n\n  fox jumps over \\\n    the lazy dog.\\\n    \"\"\"").getString("s", null));
        assertEquals("Here are two quotation marks: \"\". Simple enough.",
                Toml.parse("s = \"\"\"Here are two quotation marks: \"\". Simple enough.\"\"\"").getString("s", null));
        assertEquals("\"This,\" she said, \"is just a pointless statement.\"",
                Toml.parse("s = \"\"\"\"This,\" she said, \"is just a pointless statement.\"\"\"\"").getString("s", null));
        assertEquals("first\n  second \\n raw\n", Toml.parse("s = '''\nfirst\n  second \\n raw\n'''").getString("s", null));
        assertEquals("'quoted'", Toml.parse("s = ''''quoted''''").getString("s", null));
        // up to two quotes right before the closing three are content, in both multi-line kinds
        assertEquals("\"quoted\"", Toml.parse("s = \"\"\"\"quoted\"\"\"\"").getString("s", null));
        assertEquals("a\"\"", Toml.parse("s = \"\"\"a\"\"\"\"\"").getString("s", null));
        assertEquals("b''", Toml.parse("s = '''b'''''").getString("s", null));
        assertEquals("x\ny", Toml.parse("s = \"\"\"\r\nx\r\ny\"\"\"").getString("s", null));
        assertEquals("with\ttab", Toml.parse("s = 'with\ttab'").getString("s", null));
    }

    @Test
    void numbersBooleansDates() throws Exception {
        assertEquals("{\"a\":99,\"b\":42,\"c\":0,\"d\":-17,\"e\":5349221,\"f\":3735928559,\"g\":493,\"h\":214,"
                + "\"i\":9223372036854775807,\"j\":-9223372036854775808,\"k\":1.0,\"l\":3.1415,\"m\":-0.01,\"n\":5e+22,"
                + "\"o\":1e06,\"p\":-2E-2,\"q\":6.626e-34,\"r\":224617.445991228,\"s\":true,\"t\":false}",
                json("a = +99\nb = 42\nc = 0\nd = -17\ne = 5_349_221\nf = 0xdead_beef\ng = 0o755\nh = 0b11010110\n"
                        + "i = 9223372036854775807\nj = -9223372036854775808\nk = +1.0\nl = 3.1415\nm = -0.01\nn = 5e+22\n"
                        + "o = 1e06\np = -2E-2\nq = 6.626e-34\nr = 224_617.445_991_228\ns = true\nt = false\n"));
        assertEquals("5e+22", Toml.parse("n = 5e+22").get("n").flatMap(JsonValue::asNumber).orElseThrow().lexeme());
        JsonObject d = Toml.parse("odt1 = 1979-05-27T07:32:00Z\nodt2 = 1979-05-27T00:32:00.999999-07:00\n"
                + "odt3 = 1979-05-27 07:32:00Z\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 00:32:00.999999\n");
        assertEquals(List.of("1979-05-27T07:32:00Z", "1979-05-27T00:32:00.999999-07:00", "1979-05-27 07:32:00Z",
                "1979-05-27T07:32:00", "1979-05-27", "00:32:00.999999"),
                d.members().values().stream().map(v -> v.asString().orElseThrow()).toList());
    }

    @Test
    void arraysAndInlineTables() throws Exception {
        assertEquals("{\"a\":[1,2,3],\"b\":[\"x\",[1,2],{\"k\":1}],\"c\":[],\"d\":[1,2],\"e\":{\"x\":1,\"y\":{\"z\":2}},\"f\":{}}",
                json("a = [ 1, 2, 3 ]\nb = [\"x\", [1, 2], {k = 1}]\nc = []\nd = [\n  1, # one\n  2, # two, trailing comma\n]\n"
                        + "e = { x = 1, y.z = 2 }\nf = {}\n"));
    }

    @Test
    void arraysOfTables() throws Exception {
        assertEquals("{\"products\":[{\"name\":\"Hammer\",\"sku\":738594937},{},{\"name\":\"Nail\",\"color\":\"gray\"}],"
                + "\"fruits\":[{\"name\":\"apple\",\"physical\":{\"color\":\"red\"},\"varieties\":[{\"name\":\"red delicious\"},"
                + "{\"name\":\"granny smith\"}]},{\"name\":\"banana\",\"varieties\":[{\"name\":\"plantain\"}]}]}",
                json("""
                        [[products]]
                        name = "Hammer"
                        sku = 738594937
                        [[products]]
                        [[products]]
                        name = "Nail"
                        color = "gray"

                        [[fruits]]
                        name = "apple"
                        [fruits.physical]
                        color = "red"
                        [[fruits.varieties]]
                        name = "red delicious"
                        [[fruits.varieties]]
                        name = "granny smith"
                        [[fruits]]
                        name = "banana"
                        [[fruits.varieties]]
                        name = "plantain"
                        """));
    }

    @Test
    void tablesMayBeDefinedOutOfOrderAndThroughDottedKeys() throws Exception {
        assertEquals("{\"x\":{\"y\":{\"z\":{\"w\":{}}},\"k\":1}}", json("[x.y.z.w]\n[x]\nk = 1\n"));
        assertEquals("{\"fruit\":{\"apple\":{\"color\":\"red\",\"taste\":{\"sweet\":true},\"texture\":{\"smooth\":true}}}}",
                json("[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true\n"));
        assertEquals("{}", json(""));
        assertEquals("{}", json("\n  # only a comment\n\n"));
        assertEquals("{\"a\":1,\"b\":2}", json("\uFEFFa = 1\r\nb = 2\r\n"));
    }

    @Test
    void jacksonsMessageForAHeaderCutByANewline() {
        // CarrierConfig's users have seen this wording; it stays
        FormatException e = bad("log_level = \"info\"\n\n[signature\nx = 1\n");
        assertEquals(3, e.line());
        assertEquals("Newline not permitted here", e.reason());
        assertEquals("x.toml: line 3 col 11: Newline not permitted here", e.getMessage());
    }

    @Test
    void errorsNameTheLine() {
        assertEquals("x.toml: line 2 col 5: unterminated string (a \"string\" ends on its line; use \"\"\" for several lines)",
                bad("a = 1\nb = \"unterminated\n").getMessage());
        assertEquals("x.toml: line 2 col 9: invalid value 'oops' (a string needs quotes)", bad("BinaryName = \"rune\"\nRoot = [oops\n").getMessage());
        assertEquals("x.toml: line 1 col 13: invalid value 'info' (a string needs quotes)", bad("log_level = info").getMessage());
        assertEquals("x.toml: line 2 col 1: duplicate key a", bad("a = 1\na = 2").getMessage());
        assertEquals("x.toml: line 3 col 1: table [a] is defined twice", bad("[a]\nb = 1\n[a]\n").getMessage());
        assertEquals("x.toml: line 1 col 7: expected a newline after the value, found 'b'", bad("a = 1 b = 2").getMessage());
        assertEquals("x.toml: line 1 col 5: expected a newline after the header, found 'x'", bad("[a] x").getMessage());
        assertEquals("x.toml: line 1 col 5: inf is not supported (JSON has no such number)", bad("a = inf").getMessage());
        assertEquals("x.toml: line 1 col 5: invalid number '01'", bad("a = 01").getMessage());
        assertEquals("x.toml: line 1 col 3: expected '=' after the key, found ':'", bad("a : 1").getMessage());
        assertEquals("x.toml: line 1 col 2: Newline not permitted here", bad("a\n= 1").getMessage());
        assertEquals("x.toml: line 1 col 4: Newline not permitted here", bad("a =\n1").getMessage());
        assertEquals("x.toml: line 2 col 1: key a.b: a is already defined as an integer", bad("a = 1\na.b = 2").getMessage());
        assertEquals("x.toml: line 2 col 1: key a is already defined as an integer", bad("a = 1\n[a]").getMessage());
        assertEquals("x.toml: line 4 col 1: key b.d: b is already defined as a table with a [header]",
                bad("[a.b]\nc = 1\n[a]\nb.d = 2").getMessage());
        assertEquals("x.toml: line 2 col 1: key a.c: a is already defined as an inline table", bad("a = {b = 1}\na.c = 2").getMessage());
        assertEquals("x.toml: line 2 col 1: table [a] was already defined by dotted keys", bad("a.b = 1\n[a]").getMessage());
        assertEquals("x.toml: line 1 col 5: integer 9223372036854775808 is out of the 64-bit range", bad("a = 9223372036854775808").getMessage());
        assertEquals("x.toml: line 1 col 5: integer 0x8000000000000000 is out of the 64-bit range", bad("a = 0x8000000000000000").getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "a = ", "a", "= 1", "[a", "[]", "[[a]", "a = [1 2]", "a = {x = 1,}", "a = {x = 1\n}", "a = {x = 1} b = 2",
        "a = \"\\x\"", "a = \"\\uD800\"", "a = \"\\U00110000\"", "a = \"bell\u0007\"", "a = 'bell\u0007'", "# bell\u0007",
        "a = \"\"\"open", "a = '''open", "a = 1__0", "a = _1", "a = 1_", "a = 0x", "a = 0xG", "a = +0x1", "a = 1.", "a = .5",
        "a = 1e", "a = 9223372036854775808", "a = nan", "a = -inf", "a = True", "a = 1979-13", "a = \"\"\"x\"\"\"\"\"\"",
        "a = 1\ra = 2", "[a]\n[a]", "[[a]]\n[a]", "a = []\n[[a]]", "a = {}\n[a]", "a = {b = 1}\n[a.c]", "a.b = 1\n[a]",
        "[a.b]\nc = 1\n[a]\nb.d = 2", "[fruit]\napple.color = 1\n[fruit.apple]", "a = {b = 1}\na.c = 2", "a = [{b = 1}]\n[[a]]",
        "\"\"\"k\"\"\" = 1", "a.\"\"\"b\"\"\" = 1", "a = {b = 1, b = 2}", "a = [", "a = [1,,2]", "a = [,]"})
    void malformedInputIsRejected(String toml) {
        FormatException e = bad(toml);
        assertTrue(e.getMessage().startsWith("x.toml: line "), e.getMessage());
    }

    @Test
    void depthIsLimited() {
        FormatException e = bad("a = " + "[".repeat(100_000));
        assertTrue(e.getMessage().endsWith("nesting deeper than 512 levels"), e.getMessage());
    }

    @Test
    void writerRoundTrips() throws Exception {
        JsonObject root = new JsonObject();
        root.putObject("libos").put("entrypoint", "/bin/it's \"x\"\n");
        JsonObject loader = root.putObject("loader");
        loader.putObject("entrypoint").put("uri", "file:/x");
        loader.put("log_level", "error");
        loader.putArray("argv").add("a").add("b c");
        JsonObject env = loader.putObject("env");
        env.put("PATH", "/bin");
        env.put("A.B", "x");
        env.put("", "empty");
        env.put("BELL", "\u0007\t\u007f\\ é 😀");
        JsonObject sgx = root.putObject("sgx");
        sgx.put("debug", true);
        sgx.put("max_threads", 16);
        sgx.put("ratio", new JsonNumber("1.50"));
        sgx.putArray("trusted_files").addObject().put("uri", "file:/a").put("sha256", "00");
        sgx.putArray("empty");
        sgx.putObject("emptyobj");
        String toml = Toml.write(root);
        assertEquals("""
                libos.entrypoint = "/bin/it's \\"x\\"\\n"
                loader.entrypoint.uri = 'file:/x'
                loader.log_level = 'error'
                loader.argv = ['a', 'b c']
                loader.env.PATH = '/bin'
                loader.env.'A.B' = 'x'
                loader.env.'' = 'empty'
                loader.env.BELL = "\\u0007\\t\\u007f\\\\ é 😀"
                sgx.debug = true
                sgx.max_threads = 16
                sgx.ratio = 1.50
                sgx.trusted_files = [{uri = 'file:/a', sha256 = '00'}]
                sgx.empty = []
                sgx.emptyobj = {}
                """, toml);
        assertEquals(root, Toml.parse(toml));
        assertEquals("a = \"lone \uFFFD\"\n", Toml.write(new JsonObject().put("a", "lone \ud800")));
        assertThrows(IllegalArgumentException.class, () -> Toml.write(new JsonObject().put("a", JsonNull.NULL)));
    }
}
