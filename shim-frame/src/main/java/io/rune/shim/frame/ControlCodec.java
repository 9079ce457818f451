package io.rune.shim.frame;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The launcher's request and the daemon's response on the control socket (docs/launcher.md):
 * length-prefixed fields, unsigned 32-bit big-endian, magic "RSC1", every count and size bounded
 * before anything is allocated.
 */
final class ControlCodec {
    static final byte[] MAGIC = "RSC1".getBytes(StandardCharsets.US_ASCII);
    static final int MAX_ARGS = 256, MAX_ENV = 1024, MAX_STRING = 64 * 1024, MAX_STDIN = 1024 * 1024,
            MAX_REQUEST = 4 * 1024 * 1024;
    static final int HANDLED = 0, NOT_MINE = 1;

    /** What the launcher forwards. */
    record Request(List<String> args, String cwd, Map<String, String> env, byte[] stdin) {}

    /** The daemon's answer: handled with exit status and output, or left to the launcher's JVM. */
    record Response(boolean handled, int status, byte[] stdout, byte[] stderr) {
        static final Response NOT_HANDLED = new Response(false, 0, new byte[0], new byte[0]);

        static Response of(int status, byte[] stdout, String stderr) {
            return new Response(true, status, stdout, stderr.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A request that breaks the contract: the daemon answers an error and keeps serving. */
    static final class BadRequest extends IOException {
        BadRequest(String message) {
            super(message);
        }
    }

    private ControlCodec() {}

    static Request readRequest(InputStream in) throws IOException {
        Counter c = new Counter(new DataInputStream(in));
        byte[] magic = c.bytes(4, 4);
        if (!Arrays.equals(magic, MAGIC)) throw new BadRequest("not a launcher request (bad magic)");
        int argc = c.count(MAX_ARGS, "arguments");
        List<String> args = new ArrayList<>(argc);
        for (int i = 0; i < argc; i++) args.add(c.string());
        String cwd = c.string();
        int envc = c.count(MAX_ENV, "environment entries");
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < envc; i++) {
            String e = c.string();
            int eq = e.indexOf('=');
            if (eq > 0) env.put(e.substring(0, eq), e.substring(eq + 1));
        }
        byte[] stdin = c.bytes(c.length(MAX_STDIN, "stdin"), MAX_STDIN);
        return new Request(List.copyOf(args), cwd, env, stdin);
    }

    static byte[] encode(Response r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        u32(out, r.handled() ? HANDLED : NOT_MINE);
        if (r.handled()) {
            u32(out, r.status());
            u32(out, r.stdout().length);
            out.writeBytes(r.stdout());
            u32(out, r.stderr().length);
            out.writeBytes(r.stderr());
        }
        return out.toByteArray();
    }

    /** The launcher's side, for tests and tools: a request as the launcher writes it. */
    static byte[] encode(Request r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        u32(out, r.args().size());
        for (String a : r.args()) string(out, a);
        string(out, r.cwd());
        u32(out, r.env().size());
        r.env().forEach((k, v) -> string(out, k + "=" + v));
        u32(out, r.stdin().length);
        out.writeBytes(r.stdin());
        return out.toByteArray();
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        u32(out, b.length);
        out.writeBytes(b);
    }

    private static void u32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** Reads fields while counting the request's bytes against its limit. */
    private static final class Counter {
        private final DataInputStream in;
        private long total;

        Counter(DataInputStream in) {
            this.in = in;
        }

        int count(int max, String what) throws IOException {
            long n = u32();
            if (n > max) throw new BadRequest("too many " + what + ": " + n + " (at most " + max + ")");
            return (int) n;
        }

        int length(int max, String what) throws IOException {
            long n = u32();
            if (n > max) throw new BadRequest(what + " too long: " + n + " bytes (at most " + max + ")");
            return (int) n;
        }

        String string() throws IOException {
            return new String(bytes(length(MAX_STRING, "string"), MAX_STRING), StandardCharsets.UTF_8);
        }

        byte[] bytes(int n, int max) throws IOException {
            total += n;
            if (total > MAX_REQUEST) throw new BadRequest("request too large (over " + MAX_REQUEST + " bytes)");
            byte[] b = new byte[n];
            try {
                in.readFully(b);
            } catch (EOFException e) {
                throw new BadRequest("truncated request");
            }
            return b;
        }

        private long u32() throws IOException {
            total += 4;
            if (total > MAX_REQUEST) throw new BadRequest("request too large (over " + MAX_REQUEST + " bytes)");
            try {
                return in.readInt() & 0xffffffffL;
            } catch (EOFException e) {
                throw new BadRequest("truncated request");
            }
        }
    }
}
