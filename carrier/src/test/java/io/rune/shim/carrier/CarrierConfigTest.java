package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CarrierConfigTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingOrEmptyFileMeansDefaults() throws Exception {
        for (CarrierConfig c : List.of(CarrierConfig.load(tmp.resolve("nope.toml")), CarrierConfig.parse("  \n# only a comment\n", "x"))) {
            assertEquals("info", c.logLevel());
            assertEquals("/opt/intel/sgxsdk/bin/x64/sgx_sign", c.sgxToolSign());
            assertEquals("/run/containerd/containerd.sock", c.containerd().socket());
            assertEquals("/var/run/epm/epm.sock", c.epm().socket());
            assertEquals("", c.signature().serverAddress());
            assertEquals(Duration.ofSeconds(30), c.signature().timeout());
            assertEquals("", c.signature().privateKey());
            assertEquals("server", c.enclaveRuntime().signatureMethod());
            assertFalse(c.enclaveRuntime().clientSigned());
            assertEquals("/var/tmp", c.enclaveRuntime().workDir());
            assertEquals(Duration.ofSeconds(600), c.enclaveRuntime().toolTimeout());
            assertEquals("", c.enclaveRuntime().occlum().enclaveRuntimePath());
            assertEquals("build/lib/libocclum-libos.so", c.enclaveRuntime().occlum().enclaveLibosPath());
            assertEquals("/opt/occlum/build/bin", c.enclaveRuntime().occlum().occlumBinDir());
            CarrierConfig.Graphene g = c.enclaveRuntime().graphene();
            assertEquals("/usr/bin/gramine-sgx-sign", g.signTool());
            assertEquals("", g.tokenTool());
            assertEquals("/usr/lib/x86_64-linux-gnu/gramine/libsysdb.so", g.libosPath());
            assertEquals(List.of("/lib", "/lib64", "/usr/lib", "/usr/lib64"), g.trustedDirs());
            assertEquals("256M", g.enclaveSize());
            assertEquals(16, g.maxThreads());
        }
    }

    @Test
    void inclavaresOwnFileAndEveryOverride() throws Exception {
        Path p = tmp.resolve("config.toml");
        Files.writeString(p, """
                log_level = "debug" # "debug" "info" "warn" "error"
                sgx_tool_sign = "/usr/local/bin/sgx_sign"
                unknown_top_level = 1

                [containerd]
                    socket = "/run/k3s/containerd/containerd.sock"
                [epm]
                    socket = "/run/epm.sock"
                [signature]
                    server_address = "http://sign.example:9080"
                    timeout_seconds = 2.5
                    private_key = "/etc/keys/sgx.pem"
                [enclave_runtime]
                    signature_method = "client"
                    work_dir = "/srv/carrier"
                    tool_timeout_seconds = 90
                    [enclave_runtime.occlum]
                        enclave_runtime_path = "/opt/occlum/build/lib/libocclum-pal.so"
                        enclave_libos_path = "/opt/occlum/build/lib/libocclum-libos.so"
                        occlum_bin_dir = "/usr/local/occlum/bin"
                    [enclave_runtime.graphene]
                        sign_tool = "/opt/gramine/bin/gramine-sgx-sign"
                        token_tool = "/opt/gramine/bin/gramine-sgx-get-token"
                        libos_path = "/opt/gramine/lib/libsysdb.so"
                        libpal_path = "/opt/gramine/lib/libpal.so"
                        trusted_dirs = ["/usr/lib/python3"]
                        allowed_files = []
                        enclave_size = "1G"
                        max_threads = 64
                        future_key = true
                """);
        CarrierConfig c = CarrierConfig.load(p);
        assertEquals("debug", c.logLevel());
        assertEquals("/usr/local/bin/sgx_sign", c.sgxToolSign());
        assertEquals("/run/k3s/containerd/containerd.sock", c.containerd().socket());
        assertEquals("/run/epm.sock", c.epm().socket());
        assertEquals("http://sign.example:9080", c.signature().serverAddress());
        assertEquals(Duration.ofMillis(2500), c.signature().timeout());
        assertEquals("/etc/keys/sgx.pem", c.signature().privateKey());
        assertTrue(c.enclaveRuntime().clientSigned());
        assertEquals("/srv/carrier", c.enclaveRuntime().workDir());
        assertEquals(Duration.ofSeconds(90), c.enclaveRuntime().toolTimeout());
        assertEquals("/opt/occlum/build/lib/libocclum-pal.so", c.enclaveRuntime().occlum().enclaveRuntimePath());
        assertEquals("/opt/occlum/build/lib/libocclum-libos.so", c.enclaveRuntime().occlum().enclaveLibosPath());
        assertEquals("/usr/local/occlum/bin", c.enclaveRuntime().occlum().occlumBinDir());
        CarrierConfig.Graphene g = c.enclaveRuntime().graphene();
        assertEquals("/opt/gramine/bin/gramine-sgx-sign", g.signTool());
        assertEquals("/opt/gramine/bin/gramine-sgx-get-token", g.tokenTool());
        assertEquals("/opt/gramine/lib/libsysdb.so", g.libosPath());
        assertEquals("/opt/gramine/lib/libpal.so", g.libpalPath());
        assertEquals(List.of("/usr/lib/python3"), g.trustedDirs());
        assertEquals(List.of(), g.allowedFiles());
        assertEquals("1G", g.enclaveSize());
        assertEquals(64, g.maxThreads());
    }

    @Test
    void theSampleConfigOfTheFakeToolchainParses() throws Exception {
        CarrierConfig c = CarrierConfig.load(TestSupport.resource("fake-toolchain/config.toml"));
        assertEquals("@FAKE_TOOLCHAIN@/bin/sgx_sign", c.sgxToolSign());
        assertEquals("@FAKE_TOOLCHAIN@/bin", c.enclaveRuntime().occlum().occlumBinDir());
    }

    private static String error(String toml) {
        CarrierException e = assertThrows(CarrierException.class, () -> CarrierConfig.parse(toml, "/etc/ic/config.toml"));
        assertEquals(CarrierException.Reason.FAILED_PRECONDITION, e.reason());
        return e.getMessage();
    }

    @Test
    void malformedFilesNameTheLine() {
        assertEquals("/etc/ic/config.toml line 3: Newline not permitted here", error("log_level = \"info\"\n\n[signature\nx = 1\n"));
        assertTrue(error("a = 1\nb = \"unterminated\n").startsWith("/etc/ic/config.toml line 2: "));
        String wrongType = error("log_level = \"info\"\n[signature]\n  timeout_seconds = \"soon\"\n");
        assertTrue(wrongType.startsWith("/etc/ic/config.toml line 3: key signature.timeout_seconds: "), wrongType);
        String tableAsValue = error("log_level = \"info\"\nenclave_runtime = 3\n");
        assertTrue(tableAsValue.startsWith("/etc/ic/config.toml line 2: key enclave_runtime: "), tableAsValue);
        assertEquals("/etc/ic/config.toml line 4: signature_method must be \"server\" or \"client\", got \"both\"",
                error("[signature]\nserver_address = \"\"\n[enclave_runtime]\n  signature_method = \"both\"\n"));
        assertEquals("/etc/ic/config.toml line 2: server_address must be an http:// or https:// URL, got \"sign.example:9080\"",
                error("[signature]\nserver_address = \"sign.example:9080\"\n"));
        assertEquals("/etc/ic/config.toml line 1: log_level must be one of trace, debug, info, warn, error, got \"loud\"",
                error("log_level = \"loud\"\n"));
        assertTrue(error("[enclave_runtime]\ntool_timeout_seconds = 0\n").startsWith("/etc/ic/config.toml line 2: tool_timeout_seconds"));
    }

    @Test
    void valuesAreReadLooselyWhereThatCannotMislead() throws Exception {
        CarrierConfig c = CarrierConfig.parse("""
                log_level = "warn"
                sgx_tool_sign = 42
                signature = { timeout_seconds = "2.5", server_address = "https://s.example" }
                enclave_runtime.tool_timeout_seconds = 1e2
                [enclave_runtime.graphene]
                max_threads = "8"
                trusted_dirs = ['/opt', 7]
                """, "x");
        assertEquals("42", c.sgxToolSign(), "a number where text is expected reads as its text");
        assertEquals(Duration.ofMillis(2500), c.signature().timeout(), "a quoted number reads as the number");
        assertEquals("https://s.example", c.signature().serverAddress());
        assertEquals(Duration.ofSeconds(100), c.enclaveRuntime().toolTimeout());
        assertEquals(8, c.enclaveRuntime().graphene().maxThreads());
        assertEquals(List.of("/opt", "7"), c.enclaveRuntime().graphene().trustedDirs());
    }

    @Test
    void wrongTypesNameTheKeyAndWhatWasExpected() {
        assertEquals("/etc/ic/config.toml line 3: key signature.timeout_seconds: expected a number, got the string \"soon\"",
                error("log_level = \"info\"\n[signature]\n  timeout_seconds = \"soon\"\n"));
        assertEquals("/etc/ic/config.toml line 2: key enclave_runtime: expected a table, got the integer 3",
                error("log_level = \"info\"\nenclave_runtime = 3\n"));
        assertEquals("/etc/ic/config.toml line 2: key enclave_runtime.graphene.max_threads: expected an integer, got the float 2.5",
                error("[enclave_runtime.graphene]\nmax_threads = 2.5\n"));
        assertEquals("/etc/ic/config.toml line 1: key enclave_runtime.graphene.max_threads: expected an integer, got the integer 4294967296",
                error("enclave_runtime.graphene.max_threads = 4294967296\n"));
        assertEquals("/etc/ic/config.toml line 2: key enclave_runtime.graphene.trusted_dirs: expected an array of strings, got the string \"/lib\"",
                error("[enclave_runtime.graphene]\ntrusted_dirs = \"/lib\"\n"));
        assertEquals("/etc/ic/config.toml line 1: key log_level: expected a string, got an array", error("log_level = [\"info\"]\n"));
        assertEquals("/etc/ic/config.toml line 1: key epm: expected a table, got an array", error("[[epm]]\nsocket = \"/x\"\n"));
        assertEquals("/etc/ic/config.toml line 2: duplicate key log_level", error("log_level = \"info\"\nlog_level = \"debug\"\n"));
    }

    @Test
    void aMalformedFileFailsPrepareBeforeMounting() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=occlum"), "/app");
        Files.writeString(f.configToml, "[enclave_runtime\n");
        byte[] before = f.configJson();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertEquals(CarrierException.Reason.FAILED_PRECONDITION, e.reason());
        assertTrue(e.getMessage().startsWith("occlum carrier, step read-config: " + f.configToml + " line 1: "), e.getMessage());
        assertEquals(0, f.mount.mounts);
        assertArrayEquals(before, f.configJson());
    }

    @Test
    void privateKeysMustFitSgx() throws Exception {
        Path pkcs1 = TestSupport.resource("test-sgx-key-pkcs1.pem");
        assertEquals(TestSupport.key(), Signer.loadOrGenerate(pkcs1.toString()), "PKCS#1 PEM reads like PKCS#8");
        CarrierException e = assertThrows(CarrierException.class,
                () -> Signer.loadOrGenerate(TestSupport.resource("test-rsa2048-key.pem").toString()));
        assertTrue(e.getMessage().contains("SGX needs an RSA-3072 key with public exponent 3, got 2048 bits, exponent 65537"), e.getMessage());
        assertTrue(assertThrows(CarrierException.class, () -> Signer.loadOrGenerate(tmp.resolve("none.pem").toString()))
                .getMessage().startsWith("cannot read [signature] private_key"));
    }
}
