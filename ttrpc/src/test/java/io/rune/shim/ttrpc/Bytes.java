package io.rune.shim.ttrpc;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Builds golden byte strings from hex fragments and quoted ASCII, like docs/protocol.md §10.2 writes them. */
final class Bytes {

    private Bytes() {
    }

    /**
     * Tokens separated by spaces: two hex digits each, or a double-quoted ASCII string
     * (no spaces inside quotes needed escaping in our examples; quotes may contain spaces).
     */
    static byte[] of(String spec) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < spec.length()) {
            char c = spec.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"') {
                int end = spec.indexOf('"', i + 1);
                out.writeBytes(spec.substring(i + 1, end).getBytes(StandardCharsets.US_ASCII));
                i = end + 1;
            } else {
                out.write(Integer.parseInt(spec.substring(i, i + 2), 16));
                i += 2;
            }
        }
        return out.toByteArray();
    }

    static String hex(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            if (!sb.isEmpty()) {
                sb.append(' ');
            }
            sb.append(String.format("%02x", b & 0xff));
        }
        return sb.toString();
    }
}
