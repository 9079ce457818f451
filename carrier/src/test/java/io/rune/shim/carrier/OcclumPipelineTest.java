package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OcclumPipelineTest {
    @TempDir
    Path tmp;

    private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "RUNE_CARRIER=occlum", "HOME=/root");

    private Fixture occlum() throws Exception {
        return new Fixture(tmp).spec(List.of("/bin/hello", "world"), ENV, "/app");
    }

    @Test
    void buildsSignsAndPlacesTheInstanceWithTheExactCommandSequence() throws Exception {
        Fixture f = occlum();
        byte[] before = f.configJson();
        CarrierResult r = f.prepare();

        assertEquals(CarrierKind.OCCLUM, r.kind());
        assertEquals("/app", r.instancePath());
        Path ws = f.workspace();
        assertEquals(f.work, ws.getParent());
        assertTrue(ws.getFileName().toString().startsWith("rune-carrier-ctr-1-"), ws.toString());
        Path inst = ws.resolve("occlum_instance");
        String occlum = f.tc("occlum"), sgx = f.tc("sgx_sign");
        String unsigned = inst + "/build/lib/libocclum-libos.so", xml = inst + "/build/Enclave.xml";
        assertEquals(List.of(
                inst + "|" + occlum + "|init",
                inst + "|" + occlum + "|build",
                ws + "|" + sgx + "|gendata -enclave " + unsigned + " -config " + xml + " -out " + ws + "/signing_material.bin",
                ws + "|" + sgx + "|catsig -enclave " + unsigned + " -config " + xml + " -out " + inst
                        + "/build/lib/libocclum-libos.signed.so -key " + ws + "/public_key.pem -sig " + ws
                        + "/signature.bin -unsigned " + ws + "/signing_material.bin"),
                TestSupport.commands(f.log));

        // the workspace is gone, the instance (without image/) is at the process cwd
        assertFalse(Files.exists(ws));
        assertEquals(List.of(), TestSupport.entries(f.work));
        assertEquals(List.of("Occlum.json", "build", "data.txt", "run"), TestSupport.entries(f.rootfs.resolve("app")));
        String signed = Files.readString(f.rootfs.resolve("app/build/lib/libocclum-libos.signed.so"), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(signed.contains("FAKE-SIGSTRUCT"), "catsig output placed");
        // the image the build saw was the container rootfs
        String metadata = Files.readString(f.rootfs.resolve("app/build/mount/__ROOT/metadata"));
        assertTrue(metadata.contains("./bin/hello") && metadata.contains("./app/data.txt"), metadata);

        // config.json: only process.env changed, ENCLAVE_* appended
        assertEquals(List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "RUNE_CARRIER=occlum", "HOME=/root",
                "ENCLAVE_TYPE=intelSgx", "ENCLAVE_RUNTIME_PATH=/app/liberpal-occlum.so", "ENCLAVE_RUNTIME_ARGS=./"),
                TestSupport.env(f.bundle));
        assertEquals(Map.of("ENCLAVE_TYPE", "intelSgx", "ENCLAVE_RUNTIME_PATH", "/app/liberpal-occlum.so",
                "ENCLAVE_RUNTIME_ARGS", "./"), r.enclaveEnv());
        assertSameExceptEnv(before, f.configJson());
        f.mount.assertBalanced(1);
    }

    static void assertSameExceptEnv(byte[] before, byte[] after) throws Exception {
        JsonValue b = Json.parse(before, "before"), a = Json.parse(after, "after");
        b.get("process").flatMap(JsonValue::asObject).orElseThrow().remove("env");
        a.get("process").flatMap(JsonValue::asObject).orElseThrow().remove("env");
        assertEquals(b, a);
        assertTrue(new String(after).contains("\"realtimeRuntime\":1.50"), "numbers kept as written");
    }

    @Test
    void theSignatureVerifiesWithThePublicKeyAndIsRsa3072E3() throws Exception {
        Fixture f = occlum();
        f.prepare();
        RSAPublicKey pub = Pem.parsePublicKey(Files.readString(f.log.resolve("catsig.key")));
        assertNull(Pem.sgxMismatch(pub));
        assertEquals(Pem.publicOf(TestSupport.key()).getModulus(), pub.getModulus(), "the configured private_key signed");
        byte[] material = Files.readAllBytes(f.log.resolve("catsig.material"));
        byte[] sig = Files.readAllBytes(f.log.resolve("catsig.sig"));
        assertEquals(384, sig.length);
        assertTrue(Signer.verifies(pub, material, sig));
    }

    @Test
    void withoutAPrivateKeyAFreshRsa3072E3KeySigns() throws Exception {
        Fixture f = occlum().configSignature("");
        f.prepare();
        RSAPublicKey pub = Pem.parsePublicKey(Files.readString(f.log.resolve("catsig.key")));
        assertNull(Pem.sgxMismatch(pub));
        assertNotEquals(Pem.publicOf(TestSupport.key()).getModulus(), pub.getModulus());
        assertTrue(Signer.verifies(pub, Files.readAllBytes(f.log.resolve("catsig.material")),
                Files.readAllBytes(f.log.resolve("catsig.sig"))));
    }

    @Test
    void occlumJsonFollowsTheOcclumEnvVariables() throws Exception {
        List<String> env = new ArrayList<>(ENV);
        env.addAll(List.of("OCCLUM_USER_SPACE_SIZE=512MB", "OCCLUM_KERNEL_SPACE_HEAP_SIZE=64MB",
                "OCCLUM_KERNEL_SPACE_STACK_SIZE=2MB", "OCCLUM_MAX_NUM_OF_THREADS=64",
                "OCCLUM_PROCESS_DEFAULT_STACK_SIZE=8MB", "OCCLUM_PROCESS_DEFAULT_HEAP_SIZE=16MB",
                "OCCLUM_PROCESS_DEFAULT_MMAP_SIZE=100MB", "OCCLUM_DEFAULT_ENV=OCCLUM=yes,LANG=C.UTF-8",
                "OCCLUM_UNTRUSTED_ENV=FOO, BAR", "OCCLUM_RELEASE_ENCLAVE=1"));
        Fixture f = new Fixture(tmp).spec(List.of("hello"), env, "/app");
        f.prepare();
        JsonValue got = Json.read(f.rootfs.resolve("app/Occlum.json"));
        JsonValue want = Json.parse("""
                {"resource_limits":{"user_space_size":"512MB","kernel_space_heap_size":"64MB","kernel_space_stack_size":"2MB","max_num_of_threads":64},
                 "process":{"default_stack_size":"8MB","default_heap_size":"16MB","default_mmap_size":"100MB"},
                 "entry_points":["/bin"],
                 "env":{"default":["OCCLUM=yes","LANG=C.UTF-8"],"untrusted":["FOO","BAR"]},
                 "metadata":{"product_id":0,"version_number":0,"debuggable":false},
                 "mount":[{"target":"/","type":"unionfs","options":{"layers":[
                     {"target":"/","type":"sefs","source":"./build/mount/__ROOT","options":{"MAC":""}},
                     {"target":"/","type":"sefs","source":"./run/mount/__ROOT"}]}},
                   {"target":"/host","type":"hostfs","source":"."},
                   {"target":"/proc","type":"procfs"},
                   {"target":"/dev","type":"devfs"}]}
                """);
        assertEquals(want, got);
        assertTrue(Files.readString(f.rootfs.resolve("app/build/Enclave.xml")).contains("<TCSNum>64</TCSNum>"));
        assertTrue(Files.readString(f.rootfs.resolve("app/build/Enclave.xml")).contains("<DisableDebug>1</DisableDebug>"));
    }

    @Test
    void defaultsWithoutOcclumVariablesAndEntryPointFromPath() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("sh", "-c", "true"), List.of("RUNE_CARRIER=occlum"), "/");
        CarrierResult r = f.prepare();
        JsonValue got = Json.read(f.rootfs.resolve("Occlum.json"));
        assertEquals("256MB", got.at("resource_limits", "user_space_size").flatMap(JsonValue::asString).orElseThrow());
        assertEquals(32, got.at("resource_limits", "max_num_of_threads").flatMap(JsonValue::asNumber).orElseThrow().asInt());
        assertEquals("80MB", got.at("process", "default_mmap_size").flatMap(JsonValue::asString).orElseThrow());
        assertEquals("[\"OCCLUM=yes\"]", got.at("env", "default").orElseThrow().toString());
        assertTrue(got.at("metadata", "debuggable").flatMap(JsonValue::asBoolean).orElseThrow());
        assertEquals("[\"/bin\"]", got.at("entry_points").orElseThrow().toString());
        assertEquals("/liberpal-occlum.so", r.enclaveEnv().get("ENCLAVE_RUNTIME_PATH"));
    }

    @Test
    void configuredEnclaveRuntimePathAndExistingEnclaveVariablesAreReplacedInPlace() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("/bin/hello"),
                List.of("ENCLAVE_TYPE=mock", "RUNE_CARRIER=occlum", "ENCLAVE_TYPE=dup", "X=1"), "/app");
        Files.writeString(f.configToml, Files.readString(f.configToml).replace("[enclave_runtime.occlum]\n",
                "[enclave_runtime.occlum]\nenclave_runtime_path = \"/opt/occlum/liberpal-occlum.so\"\n"));
        f.prepare();
        assertEquals(List.of("ENCLAVE_TYPE=intelSgx", "RUNE_CARRIER=occlum", "X=1",
                "ENCLAVE_RUNTIME_PATH=/opt/occlum/liberpal-occlum.so", "ENCLAVE_RUNTIME_ARGS=./"), TestSupport.env(f.bundle));
    }

    /** Each failing step: the tool's stderr in the message, config.json and rootfs as before, no workspace, unmounted. */
    @ParameterizedTest
    @CsvSource({
        "occlum-init, occlum-init, failed to initialize an Occlum instance",
        "occlum-build, occlum-build, failed to build the Occlum enclave: cannot allocate 256MB",
        "sgx_sign-gendata, sgx-sign-gendata, Failed to generate the enclave signing material",
        "sgx_sign-catsig, sgx-sign-catsig, Failed to generate the signed enclave"})
    void aFailingToolRollsEverythingBack(String fail, String step, String stderr) throws Exception {
        Fixture f = occlum();
        f.fail = fail;
        byte[] before = f.configJson();
        Map<String, String> rootfsBefore = f.snapshotRootfs();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertEquals(CarrierException.Reason.FAILED, e.reason());
        assertTrue(e.getMessage().startsWith("occlum carrier, step " + step + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("exited with status 1"), e.getMessage());
        assertTrue(e.getMessage().contains(stderr), e.getMessage());
        assertArrayEquals(before, f.configJson());
        assertEquals(rootfsBefore, f.snapshotRootfs());
        assertEquals(List.of(), TestSupport.entries(f.work));
        f.mount.assertBalanced(1);
    }

    @Test
    void aFailingPlacementRollsBack() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("/bin/hello"), ENV, "/app/data.txt/sub");
        byte[] before = f.configJson();
        Map<String, String> rootfsBefore = f.snapshotRootfs();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue(e.getMessage().startsWith("occlum carrier, step place-instance: "), e.getMessage());
        assertTrue(e.getMessage().contains("is not a directory"), e.getMessage());
        assertArrayEquals(before, f.configJson());
        assertEquals(rootfsBefore, f.snapshotRootfs());
        assertEquals(List.of(), TestSupport.entries(f.work));
        f.mount.assertBalanced(1);
    }

    @Test
    void aFailingConfigRewriteRemovesThePlacedInstance() throws Exception {
        Fixture f = occlum();
        // config.json.carrier-tmp as a non-empty directory: the atomic rewrite cannot write it
        Files.createDirectories(f.bundle.resolve("config.json.carrier-tmp/x"));
        byte[] before = f.configJson();
        Map<String, String> rootfsBefore = f.snapshotRootfs();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue(e.getMessage().startsWith("occlum carrier, step rewrite-config: "), e.getMessage());
        assertArrayEquals(before, f.configJson());
        assertEquals(rootfsBefore, f.snapshotRootfs());
        assertEquals(List.of(), TestSupport.entries(f.work));
        f.mount.assertBalanced(1);
    }

    @Test
    void aPreviousInstanceIsReplacedAndNotCopiedIntoTheNewImage() throws Exception {
        Fixture f = occlum();
        byte[] spec = f.configJson();
        f.prepare();
        Files.write(f.bundle.resolve("config.json"), spec);
        f.id = "ctr-2";
        f.prepare();
        String metadata = Files.readString(f.rootfs.resolve("app/build/mount/__ROOT/metadata"));
        assertFalse(metadata.contains("./app/build/"), metadata);
        assertFalse(metadata.contains("./app/Occlum.json"), metadata);
        assertEquals(List.of("Occlum.json", "build", "data.txt", "run"), TestSupport.entries(f.rootfs.resolve("app")));
    }

    @Test
    void badOcclumValuesFailBeforeAnythingIsMountedOrRun() throws Exception {
        for (String bad : List.of("OCCLUM_USER_SPACE_SIZE=lots", "OCCLUM_MAX_NUM_OF_THREADS=0",
                "OCCLUM_RELEASE_ENCLAVE=yes", "OCCLUM_DEFAULT_ENV=NOEQUALS")) {
            List<String> env = new ArrayList<>(ENV);
            env.add(bad);
            Fixture f = new Fixture(Files.createTempDirectory(tmp, "f")).spec(List.of("/bin/hello"), env, "/app");
            byte[] before = f.configJson();
            CarrierException e = assertThrows(CarrierException.class, f::prepare, bad);
            assertEquals(CarrierException.Reason.INVALID_ARGUMENT, e.reason());
            assertTrue(e.getMessage().contains(bad.substring(0, bad.indexOf('='))), e.getMessage());
            assertEquals(0, f.mount.mounts);
            assertEquals(List.of(), TestSupport.commands(f.log));
            assertArrayEquals(before, f.configJson());
        }
    }

    @Test
    void anAbsoluteRootPathIsTheRootfs() throws Exception {
        Fixture f = occlum();
        Path elsewhere = TestSupport.rootfs(Files.createDirectories(tmp.resolve("ctr-run-rootfs")));
        Files.writeString(f.bundle.resolve("config.json"), Files.readString(f.bundle.resolve("config.json"))
                .replace("\"path\":\"rootfs\"", "\"path\":\"" + elsewhere + "\""));
        f.prepare();
        assertTrue(Files.isRegularFile(elsewhere.resolve("app/Occlum.json")));
        assertFalse(Files.exists(f.rootfs.resolve("app/Occlum.json")));
    }

    @Test
    void theImagesOwnDirectoriesAreNeverReplaced() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("/bin/hello"), ENV, "/");
        Files.createDirectories(f.rootfs.resolve("run/lock"));
        Map<String, String> rootfsBefore = f.snapshotRootfs();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertEquals(CarrierException.Reason.INVALID_ARGUMENT, e.reason());
        assertTrue(e.getMessage().startsWith("occlum carrier, step check-workdir: the working directory / already holds \"run\""),
                e.getMessage());
        assertEquals(List.of(), TestSupport.commands(f.log), "fails before building");
        assertEquals(rootfsBefore, f.snapshotRootfs());
        f.mount.assertBalanced(1);
    }

    @Test
    void aMissingEntryPointIsInvalidArgumentAndUnmounts() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("/bin/nope"), ENV, "/app");
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertEquals(CarrierException.Reason.INVALID_ARGUMENT, e.reason());
        assertTrue(e.getMessage().contains("entry point \"/bin/nope\""), e.getMessage());
        f.mount.assertBalanced(1);
        assertEquals(List.of(), TestSupport.commands(f.log));
    }

    @Test
    void aMissingToolNamesItsPathAndConfig() throws Exception {
        Fixture f = occlum();
        Files.delete(f.toolchain.resolve("bin/occlum"));
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue(e.getMessage().contains("cannot run " + f.tc("occlum")), e.getMessage());
        assertTrue(e.getMessage().contains(f.configToml.toString()), e.getMessage());
        f.mount.assertBalanced(1);
    }

    @Test
    void clientSignatureMethodSkipsBuildAndSigning() throws Exception {
        Fixture f = occlum();
        Files.writeString(f.configToml, Files.readString(f.configToml).replace("[enclave_runtime]\n",
                "[enclave_runtime]\nsignature_method = \"client\"\n"));
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertEquals(CarrierException.Reason.FAILED_PRECONDITION, e.reason());
        assertTrue(e.getMessage().contains("/app/build/lib/libocclum-libos.signed.so"), e.getMessage());

        Files.createDirectories(f.rootfs.resolve("app/build/lib"));
        Files.writeString(f.rootfs.resolve("app/build/lib/libocclum-libos.signed.so"), "signed by the client");
        CarrierResult r = f.prepare();
        assertEquals("intelSgx", r.enclaveEnv().get("ENCLAVE_TYPE"));
        assertEquals(List.of(), TestSupport.commands(f.log));
        assertTrue(TestSupport.env(f.bundle).contains("ENCLAVE_RUNTIME_ARGS=./"));
    }

    @Test
    void aFailingUnmountAfterSuccessRollsBack() throws Exception {
        Fixture f = occlum();
        f.mount.failUnmount = true;
        byte[] before = f.configJson();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue(e.getMessage().contains("unmount-rootfs") && e.getMessage().contains("target is busy"), e.getMessage());
        assertArrayEquals(before, f.configJson());
        assertFalse(Files.exists(f.rootfs.resolve("app/Occlum.json")));
    }

    @Test
    void placedFilesBelongToTheProcessUser() throws Exception {
        Assumptions.assumeTrue(io.rune.shim.sys.Posix.geteuid() == 0, "needs root to chown");
        Fixture f = new Fixture(tmp);
        Files.writeString(f.bundle.resolve("config.json"), TestSupport.specJson(List.of("/bin/hello"), ENV, "/app", 1234));
        f.prepare();
        assertEquals(1234, Files.getAttribute(f.rootfs.resolve("app/build/lib/libocclum-libos.signed.so"), "unix:uid"));
        assertEquals(1234, Files.getAttribute(f.rootfs.resolve("app/run"), "unix:gid"));
    }
}
