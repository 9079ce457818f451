package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server signing path against a signature server on 127.0.0.1 (JDK HttpServer). */
class SignatureServerTest {
    enum Mode { OK, HTTP_500, SLOW, BAD_SIGNATURE, OTHER_KEY, NOT_JSON }

    @TempDir
    Path tmp;
    private HttpServer server;
    private ExecutorService pool;
    private volatile Mode mode = Mode.OK;
    private volatile String contentType;
    private volatile byte[] received;
    private RSAPrivateCrtKey key;

    @BeforeEach
    void start() throws Exception {
        key = TestSupport.key();
        String keyPem = Pem.publicKey(Pem.publicOf(key));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pool = Executors.newCachedThreadPool();
        server.setExecutor(pool);
        server.createContext("/api/v1/signature/public-key", ex -> {
            if (!ex.getRequestMethod().equals("GET")) {
                reply(ex, 405, "method not allowed");
                return;
            }
            reply(ex, 200, keyPem);
        });
        server.createContext("/api/v1/signature/pkcs1", ex -> {
            contentType = ex.getRequestHeaders().getFirst("Content-Type");
            received = ex.getRequestBody().readAllBytes();
            try {
                switch (mode) {
                    case HTTP_500 -> reply(ex, 500, "{\"error\":\"HSM unavailable\"}");
                    case SLOW -> {
                        Thread.sleep(5000);
                        reply(ex, 200, "{}");
                    }
                    case NOT_JSON -> reply(ex, 200, "<html>proxy error</html>");
                    default -> {
                        byte[] data = mode == Mode.BAD_SIGNATURE ? "something else".getBytes() : received;
                        Signature s = Signature.getInstance("SHA256withRSA");
                        s.initSign(key);
                        s.update(data);
                        String pem = Pem.publicKey(mode == Mode.OTHER_KEY ? Pem.publicOf(otherKey()) : Pem.publicOf(key));
                        reply(ex, 200, new io.rune.shim.formats.JsonObject()
                                .put("signature", Base64.getEncoder().encodeToString(s.sign())).put("publicKey", pem).toString());
                    }
                }
            } catch (InterruptedException e) {
                ex.close();
            } catch (Exception e) {
                reply(ex, 599, e.toString());
            }
        });
        server.start();
    }

    private static RSAPrivateCrtKey otherKey() throws Exception {
        return Pem.parsePrivateKey(Files.readString(TestSupport.resource("test-rsa2048-key.pem")));
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        pool.shutdownNow();
    }

    private Fixture fixture(String timeout) throws Exception {
        Fixture f = new Fixture(Files.createTempDirectory(tmp, "f")).spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=occlum"), "/app");
        f.configSignature("server_address = \"http://127.0.0.1:" + server.getAddress().getPort() + "\"\n"
                + "timeout_seconds = " + timeout + "\n");
        return f;
    }

    @Test
    void theServerSignsTheMaterialAndItsKeyGoesToCatsig() throws Exception {
        Fixture f = fixture("5");
        f.prepare();
        byte[] material = Files.readAllBytes(f.log.resolve("catsig.material"));
        assertArrayEquals(material, received, "the material was POSTed as is");
        assertEquals("text/plain", contentType);
        RSAPublicKey used = Pem.parsePublicKey(Files.readString(f.log.resolve("catsig.key")));
        assertEquals(Pem.publicOf(key), used);
        assertTrue(Signer.verifies(used, material, Files.readAllBytes(f.log.resolve("catsig.sig"))));
        assertTrue(Files.exists(f.rootfs.resolve("app/build/lib/libocclum-libos.signed.so")));
    }

    private void assertRolledBack(Fixture f, byte[] before, Map<String, String> rootfs, CarrierException e) throws IOException {
        assertEquals(CarrierException.Reason.FAILED, e.reason());
        assertTrue(e.getMessage().startsWith("occlum carrier, step sign: "), e.getMessage());
        assertArrayEquals(before, f.configJson());
        assertEquals(rootfs, f.snapshotRootfs());
        assertEquals(List.of(), TestSupport.entries(f.work));
        f.mount.assertBalanced(1);
        assertFalse(TestSupport.commands(f.log).stream().anyMatch(c -> c.contains("catsig")));
    }

    @Test
    void http500IsAClearError() throws Exception {
        mode = Mode.HTTP_500;
        Fixture f = fixture("5");
        byte[] before = f.configJson();
        Map<String, String> rootfs = f.snapshotRootfs();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue(e.getMessage().contains("signature server http://127.0.0.1:" + server.getAddress().getPort()
                + " answered HTTP 500 to POST"), e.getMessage());
        assertTrue(e.getMessage().contains("HSM unavailable"), e.getMessage());
        assertRolledBack(f, before, rootfs, e);
    }

    @Test
    void aTimeoutIsAClearErrorAndDoesNotHang() throws Exception {
        mode = Mode.SLOW;
        Fixture f = fixture("0.5");
        byte[] before = f.configJson();
        Map<String, String> rootfs = f.snapshotRootfs();
        long t0 = System.nanoTime();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 4000, "gave up after the timeout");
        assertTrue(e.getMessage().contains("did not answer POST") && e.getMessage().contains("within 0.5s"), e.getMessage());
        assertRolledBack(f, before, rootfs, e);
    }

    @Test
    void anUnreachableServerIsAClearError() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Fixture f = new Fixture(tmp).spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=occlum"), "/app");
        f.configSignature("server_address = \"http://127.0.0.1:" + port + "\"\ntimeout_seconds = 2\n");
        byte[] before = f.configJson();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertTrue(e.getMessage().contains("cannot connect to signature server http://127.0.0.1:" + port), e.getMessage());
        assertRolledBack(f, before, f.snapshotRootfs(), e);
    }

    @Test
    void answersThatDoNotVerifyAreRejected() throws Exception {
        for (Mode m : List.of(Mode.BAD_SIGNATURE, Mode.OTHER_KEY, Mode.NOT_JSON)) {
            mode = m;
            Fixture f = fixture("5");
            byte[] before = f.configJson();
            CarrierException e = assertThrows(CarrierException.class, f::prepare, m.name());
            String want = switch (m) {
                case BAD_SIGNATURE -> "does not verify";
                case OTHER_KEY -> "SGX needs an RSA-3072 key";
                default -> "malformed JSON";
            };
            assertTrue(e.getMessage().contains(want), m + ": " + e.getMessage());
            assertArrayEquals(before, f.configJson());
            assertEquals(List.of(), TestSupport.entries(f.work));
        }
    }
}
