package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonArray;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Shared fixtures: a runner of the fake tools on java.lang.Process, one RSA-3072/e=3 key, the fake toolchain from src/test/resources/fake-toolchain, bundles with a
 * small rootfs and a realistic config.json.
 */
final class TestSupport {
    private static RSAPrivateCrtKey key;

    private TestSupport() {}

    /** A fixed RSA-3072/e=3 test key (src/test/resources/test-sgx-key.pem): generating one takes seconds. */
    static synchronized RSAPrivateCrtKey key() throws Exception {
        if (key == null) key = Pem.parsePrivateKey(Files.readString(resource("test-sgx-key.pem")));
        return key;
    }

    /** A runner with the fake toolchain's log dir and the steps it should fail. */
    static CommandRunner runner(Path log, String fail) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("FAKE_TOOLCHAIN_LOG", log.toString());
        env.put("FAKE_TOOLCHAIN_FAIL", fail);
        return new ProcessCommandRunner(env);
    }

    static Path resource(String name) {
        try {
            return Path.of(TestSupport.class.getResource("/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies the fake tools to dir/bin, executable (resources lose their mode bits). */
    static Path installToolchain(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        try (Stream<Path> s = Files.list(resource("fake-toolchain/bin"))) {
            for (Path p : s.toList()) {
                Path t = bin.resolve(p.getFileName().toString());
                Files.copy(p, t);
                Files.setPosixFilePermissions(t, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return dir;
    }

    /** A rootfs with /bin/hello, /bin/busybox and /bin/sh -> busybox, /lib/libc.so.6 -> libc-2.31.so, /etc/hosts, /app. */
    static Path rootfs(Path bundle) throws IOException {
        Path r = Files.createDirectories(bundle.resolve("rootfs"));
        Files.createDirectories(r.resolve("bin"));
        Files.createDirectories(r.resolve("lib"));
        Files.createDirectories(r.resolve("etc"));
        Files.createDirectories(r.resolve("app"));
        exec(r.resolve("bin/hello"), "#!/bin/sh\necho hello\n");
        exec(r.resolve("bin/busybox"), "BUSYBOX\n");
        Files.createSymbolicLink(r.resolve("bin/sh"), Path.of("busybox"));
        Files.writeString(r.resolve("lib/libc-2.31.so"), "LIBC\n");
        Files.createSymbolicLink(r.resolve("lib/libc.so.6"), Path.of("libc-2.31.so"));
        Files.writeString(r.resolve("etc/hosts"), "127.0.0.1 localhost\n");
        Files.writeString(r.resolve("app/data.txt"), "data\n");
        return r;
    }

    private static void exec(Path p, String content) throws IOException {
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** A config.json like containerd writes, with fields the carrier must leave alone. */
    static void writeSpec(Path bundle, List<String> args, List<String> env, String cwd) throws IOException {
        Files.write(bundle.resolve("config.json"), specJson(args, env, cwd, 0).getBytes(StandardCharsets.UTF_8));
    }

    static String specJson(List<String> args, List<String> env, String cwd, int uid) throws IOException {
        JsonObject root = new JsonObject();
        root.put("ociVersion", "1.0.2-dev");
        JsonObject p = root.putObject("process");
        p.put("terminal", false);
        p.putObject("user").put("uid", uid).put("gid", uid);
        p.put("args", JsonArray.ofStrings(args));
        p.put("env", JsonArray.ofStrings(env));
        p.put("cwd", cwd);
        p.putObject("capabilities").putArray("bounding").add("CAP_CHOWN").add("CAP_KILL");
        p.putArray("rlimits").addObject().put("type", "RLIMIT_NOFILE").put("hard", 1024).put("soft", 1024);
        p.put("noNewPrivileges", true);
        root.putObject("root").put("path", "rootfs");
        root.put("hostname", "carrier-test");
        root.putArray("mounts").addObject().put("destination", "/proc").put("type", "proc").put("source", "proc");
        JsonObject linux = root.putObject("linux");
        linux.putObject("resources").putObject("cpu").put("shares", 1024).put("quota", 150000);
        linux.putArray("namespaces").addObject().put("type", "pid");
        root.putObject("annotations").put("io.kubernetes.cri.container-type", "container");
        // A float written the way Go writes it: it must survive the rewrite byte for byte.
        String json = Json.write(root);
        return json.replace("\"quota\":150000", "\"quota\":150000,\"realtimeRuntime\":1.50");
    }

    static List<String> env(Path bundle) throws IOException {
        List<String> out = new ArrayList<>();
        Json.read(bundle.resolve("config.json")).at("process", "env").flatMap(JsonValue::asArray).orElseThrow()
                .forEach(n -> out.add(n.asString().orElseThrow()));
        return out;
    }

    /** Every entry under dir: path → "d", "l:target" or "f:content". */
    static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (!Files.exists(dir)) return out;
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                out.put(dir.relativize(d).toString(), "d");
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                out.put(dir.relativize(f).toString(), attrs.isSymbolicLink() ? "l:" + Files.readSymbolicLink(f)
                        : "f:" + new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    static List<String> entries(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Lines of the fake toolchain's commands.log as "cwd | argv0 | args". */
    static List<String> commands(Path log) throws IOException {
        Path f = log.resolve("commands.log");
        if (!Files.exists(f)) return List.of();
        return Files.readAllLines(f).stream().map(l -> l.replace('\t', '|')).toList();
    }

    /** A RootfsMount that counts; the rootfs is a plain directory in tests. */
    static final class CountingMount implements RootfsMount {
        int mounts, unmounts;
        boolean failUnmount;

        @Override
        public void mount() {
            mounts++;
        }

        @Override
        public void unmount() throws IOException {
            unmounts++;
            if (failUnmount) throw new IOException("umount: target is busy");
        }

        void assertBalanced(int expected) {
            assertEquals(expected, mounts, "mounts");
            assertEquals(expected, unmounts, "unmounts");
        }
    }
}
