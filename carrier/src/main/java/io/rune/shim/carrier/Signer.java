package io.rune.shim.carrier;

import io.rune.shim.formats.FormatException;
import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonObject;
import java.io.IOException;
import java.math.BigInteger;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAKeyGenParameterSpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;

/** Signs the enclave signing material (the SIGSTRUCT bytes from {@code sgx_sign gendata}). */
interface Signer {
    /** The raw PKCS#1 v1.5 SHA-256 signature (big-endian, 384 bytes) and the PEM public key. */
    record Signed(byte[] signature, String publicKeyPem) {}

    Signed sign(byte[] material) throws CarrierException, InterruptedException;

    /** Where the signature came from, for logs. */
    String describe();

    static boolean verifies(RSAPublicKey key, byte[] material, byte[] signature) {
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update(material);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A key pair fit for SGX: RSA-3072, e = 3. Takes a second or so. */
    static RSAPrivateCrtKey generateSgxKey() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(new RSAKeyGenParameterSpec(3072, BigInteger.valueOf(3)));
        KeyPair kp = g.generateKeyPair();
        return (RSAPrivateCrtKey) kp.getPrivate();
    }

    /** Reads a PEM key (PKCS#8 or PKCS#1), or generates one when {@code path} is empty. */
    static RSAPrivateCrtKey loadOrGenerate(String path) throws CarrierException {
        try {
            if (path.isEmpty()) return generateSgxKey();
            RSAPrivateCrtKey k = Pem.parsePrivateKey(Files.readString(Path.of(path)));
            String why = Pem.sgxMismatch(Pem.publicOf(k));
            if (why != null) throw CarrierException.precondition("[signature] private_key " + path + ": " + why);
            return k;
        } catch (IOException e) {
            throw CarrierException.precondition("cannot read [signature] private_key " + path + ": " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw CarrierException.precondition("[signature] private_key " + path + ": " + e.getMessage());
        }
    }

    /** Signs in the shim with a local key. */
    final class Local implements Signer {
        private final RSAPrivateCrtKey key;
        private final String source;

        Local(RSAPrivateCrtKey key, String source) {
            this.key = key;
            this.source = source;
        }

        @Override
        public Signed sign(byte[] material) throws CarrierException {
            try {
                Signature s = Signature.getInstance("SHA256withRSA");
                s.initSign(key);
                s.update(material);
                return new Signed(s.sign(), Pem.publicKey(Pem.publicOf(key)));
            } catch (GeneralSecurityException e) {
                throw CarrierException.failed("local signing failed: " + e.getMessage(), e);
            }
        }

        @Override
        public String describe() {
            return "local key (" + source + ")";
        }
    }

    /**
     * The signature server: {@code GET <addr>/api/v1/signature/public-key} returns the PEM key,
     * {@code POST <addr>/api/v1/signature/pkcs1} with the material (text/plain) returns
     * {@code {"signature": base64, "publicKey": PEM}}. The answer is checked before it is used:
     * the key must be the advertised one, fit SGX, and the signature must verify.
     */
    final class Server implements Signer {
        private final String base;
        private final Duration timeout;

        Server(String address, Duration timeout) {
            this.base = address.endsWith("/") ? address.substring(0, address.length() - 1) : address;
            this.timeout = timeout;
        }

        @Override
        public String describe() {
            return "signature server " + base;
        }

        @Override
        public Signed sign(byte[] material) throws CarrierException, InterruptedException {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout)
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            try {
                String keyUrl = base + "/api/v1/signature/public-key";
                String keyPem = call(client, HttpRequest.newBuilder(URI.create(keyUrl)).timeout(timeout).GET().build(), "GET " + keyUrl);
                RSAPublicKey advertised = publicKey(keyPem, "GET " + keyUrl);
                String signUrl = base + "/api/v1/signature/pkcs1";
                String body = call(client, HttpRequest.newBuilder(URI.create(signUrl)).timeout(timeout)
                        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofByteArray(material)).build(),
                        "POST " + signUrl);
                JsonObject answer;
                try {
                    answer = Json.parse(body).asObject().orElseGet(JsonObject::new);
                } catch (FormatException e) {
                    throw CarrierException.failed(describe() + ": POST " + signUrl + " answered malformed JSON: " + e.getMessage(), e);
                }
                String sig64 = answer.getString("signature", "");
                String pem = answer.getString("publicKey", "");
                if (sig64.isEmpty() || pem.isEmpty()) {
                    throw CarrierException.failed(describe() + ": POST " + signUrl + " answered without \"signature\" or \"publicKey\"", null);
                }
                byte[] signature;
                try {
                    signature = Base64.getMimeDecoder().decode(sig64);
                } catch (IllegalArgumentException e) {
                    throw CarrierException.failed(describe() + ": \"signature\" is not base64: " + e.getMessage(), e);
                }
                RSAPublicKey used = publicKey(pem, "POST " + signUrl);
                if (!Arrays.equals(used.getEncoded(), advertised.getEncoded())) {
                    throw CarrierException.failed(describe() + ": signed with a key other than its public key", null);
                }
                if (!verifies(used, material, signature)) {
                    throw CarrierException.failed(describe() + ": the signature does not verify with the server's public key", null);
                }
                return new Signed(signature, Pem.publicKey(used));
            } finally {
                client.shutdownNow();
            }
        }

        private RSAPublicKey publicKey(String pem, String what) throws CarrierException {
            RSAPublicKey k;
            try {
                k = Pem.parsePublicKey(pem);
            } catch (GeneralSecurityException e) {
                throw CarrierException.failed(describe() + ": " + what + " answered an unusable public key: " + e.getMessage(), e);
            }
            String why = Pem.sgxMismatch(k);
            if (why != null) throw CarrierException.failed(describe() + ": " + what + ": " + why, null);
            return k;
        }

        private String call(HttpClient client, HttpRequest req, String what) throws CarrierException, InterruptedException {
            HttpResponse<String> r;
            try {
                r = client.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (HttpTimeoutException e) {
                throw CarrierException.failed(describe() + " did not answer " + what + " within "
                        + timeout.toMillis() / 1000.0 + "s ([signature] timeout_seconds)", e);
            } catch (ConnectException e) {
                throw CarrierException.failed("cannot connect to " + describe() + " (" + what + "): "
                        + (e.getMessage() == null ? "connection refused" : e.getMessage()), e);
            } catch (IOException e) {
                throw CarrierException.failed(describe() + ": " + what + " failed: " + e, e);
            }
            if (r.statusCode() != 200) {
                String body = r.body() == null ? "" : r.body().strip();
                if (body.length() > 300) body = body.substring(0, 300) + "...";
                throw CarrierException.failed(describe() + " answered HTTP " + r.statusCode() + " to " + what
                        + (body.isEmpty() ? "" : ": " + body), null);
            }
            return r.body();
        }
    }
}
