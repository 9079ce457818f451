package io.rune.shim.carrier;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** PEM encoding of RSA keys with the JDK alone (SPKI / PKCS#8, and PKCS#1 on input). */
final class Pem {
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }. */
    private static final byte[] RSA_ALG_ID = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private Pem() {}

    static String publicKey(RSAPublicKey key) {
        return encode("PUBLIC KEY", key.getEncoded());
    }

    static String privateKey(RSAPrivateCrtKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    static RSAPublicKey parsePublicKey(String pem) throws GeneralSecurityException {
        String type = type(pem);
        byte[] der = body(pem);
        if (type.equals("RSA PUBLIC KEY")) der = sequence(RSA_ALG_ID, bitString(der));
        else if (!type.equals("PUBLIC KEY")) throw new GeneralSecurityException("not a PEM public key (" + type + ")");
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
    }

    static RSAPrivateCrtKey parsePrivateKey(String pem) throws GeneralSecurityException {
        String type = type(pem);
        byte[] der = body(pem);
        if (type.equals("RSA PRIVATE KEY")) der = sequence(new byte[] {0x02, 0x01, 0x00}, RSA_ALG_ID, tlv(0x04, der));
        else if (!type.equals("PRIVATE KEY")) throw new GeneralSecurityException("not an unencrypted PEM private key (" + type + ")");
        if (!(KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der)) instanceof RSAPrivateCrtKey k)) {
            throw new GeneralSecurityException("RSA private key without CRT parameters");
        }
        return k;
    }

    static RSAPublicKey publicOf(RSAPrivateCrtKey key) throws GeneralSecurityException {
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
    }

    /** SGX signs SIGSTRUCTs with RSA-3072, public exponent 3; null when the key fits, else why not. */
    static String sgxMismatch(RSAPublicKey key) {
        int bits = key.getModulus().bitLength();
        if (bits == 3072 && key.getPublicExponent().equals(BigInteger.valueOf(3))) return null;
        return "SGX needs an RSA-3072 key with public exponent 3, got " + bits + " bits, exponent " + key.getPublicExponent();
    }

    private static String encode(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String type(String pem) throws GeneralSecurityException {
        int b = pem.indexOf("-----BEGIN ");
        int e = b < 0 ? -1 : pem.indexOf("-----", b + 11);
        if (b < 0 || e < 0) throw new GeneralSecurityException("not PEM: no -----BEGIN line");
        return pem.substring(b + 11, e).strip();
    }

    private static byte[] body(String pem) throws GeneralSecurityException {
        int b = pem.indexOf("-----", pem.indexOf("-----BEGIN ") + 11) + 5;
        int e = pem.indexOf("-----END", b);
        if (e < 0) throw new GeneralSecurityException("not PEM: no -----END line");
        String text = pem.substring(b, e);
        if (text.contains("Proc-Type:")) throw new GeneralSecurityException("encrypted PEM keys are not supported");
        try {
            return Base64.getMimeDecoder().decode(text);
        } catch (IllegalArgumentException ex) {
            throw new GeneralSecurityException("bad base64 in PEM: " + ex.getMessage());
        }
    }

    private static byte[] bitString(byte[] content) {
        byte[] c = new byte[content.length + 1];
        System.arraycopy(content, 0, c, 1, content.length);
        return tlv(0x03, c);
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return tlv(0x30, out.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int n = content.length;
        if (n < 0x80) {
            out.write(n);
        } else {
            int bytes = n < 0x100 ? 1 : n < 0x10000 ? 2 : 3;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) out.write(n >>> (8 * i));
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
