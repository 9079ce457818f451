package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;
import io.rune.shim.formats.Toml;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GraphenePipelineTest {
    @TempDir
    Path tmp;

    private static final List<String> ENV = List.of("PATH=/usr/bin:/bin", "RUNE_CARRIER=graphene", "GREETING=hi there",
            "GRAPHENE_ENCLAVE_SIZE=512M", "GRAPHENE_TRUSTED_FILES=/etc/hosts", "GRAPHENE_ALLOWED_FILES=/app/data.txt");

    private Fixture graphene() throws Exception {
        return new Fixture(tmp).spec(List.of("hello", "world", "it's"), ENV, "/app");
    }

    @Test
    void generatesSignsAndPlacesTheManifest() throws Exception {
        Fixture f = graphene();
        byte[] before = f.configJson();
        CarrierResult r = f.prepare();

        Path ws = f.workspace();
        assertEquals(f.work, ws.getParent());
        assertEquals(List.of(
                ws + "|" + f.tc("gramine-sgx-sign") + "|--manifest " + ws + "/hello.manifest --output " + ws
                        + "/hello.manifest.sgx --key " + ws + "/signing_key.pem",
                ws + "|" + f.tc("gramine-sgx-get-token") + "|--sig " + ws + "/hello.sig --output " + ws + "/hello.token"),
                TestSupport.commands(f.log));
        assertFalse(Files.exists(ws), "workspace (and the private key in it) removed");

        Path app = f.rootfs.resolve("app");
        assertEquals(List.of("data.txt", "hello.manifest", "hello.manifest.sgx", "hello.sig", "hello.token"), TestSupport.entries(app));
        assertEquals(1808, Files.size(app.resolve("hello.sig")));

        JsonObject m = manifest(app.resolve("hello.manifest"));
        assertEquals("/bin/hello", text(m, "libos", "entrypoint"));
        assertEquals("file:/usr/lib/x86_64-linux-gnu/gramine/libsysdb.so", text(m, "loader", "entrypoint", "uri"));
        assertEquals("[\"hello\",\"world\",\"it's\"]", m.at("loader", "argv").orElseThrow().toString());
        assertEquals("{\"PATH\":\"/usr/bin:/bin\",\"GREETING\":\"hi there\"}", m.at("loader", "env").orElseThrow().toString());
        assertEquals("/app", text(m, "fs", "start_dir"));
        assertEquals("512M", text(m, "sgx", "enclave_size"));
        assertEquals(16, m.at("sgx", "max_threads").flatMap(JsonValue::asNumber).orElseThrow().asInt());
        assertTrue(m.at("sgx", "debug").flatMap(JsonValue::asBoolean).orElseThrow());
        Map<String, String> trusted = new java.util.TreeMap<>();
        for (JsonValue t : m.at("sgx", "trusted_files").flatMap(JsonValue::asArray).orElseThrow()) {
            trusted.put(text(t, "uri"), text(t, "sha256"));
        }
        assertEquals(Map.of(
                "file:/bin/hello", GrapheneManifest.sha256(f.rootfs.resolve("bin/hello")),
                "file:/lib/libc-2.31.so", GrapheneManifest.sha256(f.rootfs.resolve("lib/libc-2.31.so")),
                "file:/lib/libc.so.6", GrapheneManifest.sha256(f.rootfs.resolve("lib/libc-2.31.so")),
                "file:/etc/hosts", GrapheneManifest.sha256(f.rootfs.resolve("etc/hosts"))), trusted);
        List<String> allowed = new ArrayList<>();
        m.at("sgx", "allowed_files").flatMap(JsonValue::asArray).orElseThrow().forEach(a -> allowed.add(a.asString().orElseThrow()));
        assertEquals(List.of("file:/etc/hosts", "file:/etc/hostname", "file:/etc/resolv.conf", "file:/app/data.txt"), allowed);

        assertEquals(Map.of("ENCLAVE_TYPE", "intelSgx", "ENCLAVE_RUNTIME_PATH", "/app/liberpal-graphene.so",
                "ENCLAVE_RUNTIME_ARGS", "./hello"), r.enclaveEnv());
        List<String> env = new ArrayList<>(ENV);
        env.addAll(List.of("ENCLAVE_TYPE=intelSgx", "ENCLAVE_RUNTIME_PATH=/app/liberpal-graphene.so", "ENCLAVE_RUNTIME_ARGS=./hello"));
        assertEquals(env, TestSupport.env(f.bundle));
        OcclumPipelineTest.assertSameExceptEnv(before, f.configJson());
        f.mount.assertBalanced(1);
    }

    @Test
    void aSymlinkedEntryPointIsMeasuredAsItsTarget() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("/bin/sh", "-c", "echo"), List.of("RUNE_CARRIER=graphene"), "/");
        f.prepare();
        JsonObject m = manifest(f.rootfs.resolve("sh.manifest"));
        assertEquals("/bin/busybox", text(m, "libos", "entrypoint"));
        assertEquals("[\"/bin/sh\",\"-c\",\"echo\"]", m.at("loader", "argv").orElseThrow().toString());
        assertTrue(m.at("sgx", "trusted_files").orElseThrow().toString().contains("file:/bin/busybox"));
    }

    private static JsonObject manifest(Path file) throws Exception {
        return Toml.parse(Files.readString(file), file.toString());
    }

    private static String text(JsonValue v, String... keys) {
        return v.at(keys).flatMap(JsonValue::asString).orElseThrow(() -> new AssertionError(String.join(".", keys) + " missing"));
    }

    @ParameterizedTest
    @CsvSource({
        "gramine-sgx-sign, gramine-sign, enclave measurement failed",
        "gramine-sgx-get-token, gramine-token, aesmd is not reachable"})
    void aFailingToolRollsEverythingBack(String fail, String step, String stderr) throws Exception {
        Fixture f = graphene();
        f.fail = fail;
        byte[] before = f.configJson();
        Map<String, String> rootfs = f.snapshotRootfs();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue(e.getMessage().startsWith("graphene carrier, step " + step + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(stderr), e.getMessage());
        assertArrayEquals(before, f.configJson());
        assertEquals(rootfs, f.snapshotRootfs());
        assertEquals(List.of(), TestSupport.entries(f.work));
        f.mount.assertBalanced(1);
    }

    @Test
    void theSignatureServerCannotSignGrapheneWithoutALocalKey() throws Exception {
        Fixture f = graphene().configSignature("server_address = \"http://127.0.0.1:1\"\n");
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertEquals(CarrierException.Reason.FAILED_PRECONDITION, e.reason());
        assertTrue(e.getMessage().contains("[signature] private_key"), e.getMessage());
        assertEquals(0, f.mount.mounts);
    }

    @Test
    void badGrapheneValuesAreInvalidArgument() throws Exception {
        for (String bad : List.of("GRAPHENE_ENCLAVE_SIZE=huge", "GRAPHENE_MAX_THREADS=-2", "GRAPHENE_RELEASE_ENCLAVE=maybe")) {
            Fixture f = new Fixture(Files.createTempDirectory(tmp, "f"))
                    .spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=graphene", bad), "/app");
            CarrierException e = assertThrows(CarrierException.class, f::prepare, bad);
            assertEquals(CarrierException.Reason.INVALID_ARGUMENT, e.reason(), bad);
            assertEquals(0, f.mount.mounts);
        }
    }

    @Test
    void clientSignedManifestIsOnlyPointedAt() throws Exception {
        Fixture f = graphene();
        Files.writeString(f.configToml, Files.readString(f.configToml).replace("[enclave_runtime]\n",
                "[enclave_runtime]\nsignature_method = \"client\"\n"));
        assertEquals(CarrierException.Reason.FAILED_PRECONDITION, assertThrows(CarrierException.class, f::prepare).reason());
        Files.writeString(f.rootfs.resolve("app/hello.manifest.sgx"), "x");
        Files.writeString(f.rootfs.resolve("app/hello.sig"), "x");
        assertEquals("./hello", f.prepare().enclaveEnv().get("ENCLAVE_RUNTIME_ARGS"));
        assertEquals(List.of(), TestSupport.commands(f.log));
    }
}
