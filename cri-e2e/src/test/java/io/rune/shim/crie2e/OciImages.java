package io.rune.shim.crie2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rune.shim.testsupport.BusyboxRootfs;
import io.rune.shim.testsupport.Cmd;
import io.rune.shim.testsupport.CmdResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes single-layer OCI image layout tarballs from the host's static busybox (applet symlinks, a
 * passwd/group), for {@code ctr -n k8s.io image import}: the busybox image the containers run and the
 * sandbox (pause) image, whose process is busybox {@code sleep}. No registry is involved.
 */
final class OciImages {
    static final String BUSYBOX_REF = "docker.io/crie2e/busybox:1";
    static final String PAUSE_REF = "docker.io/crie2e/pause:1";
    static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciImages() {}

    /** Builds both tarballs under dir; returns {busybox tar, pause tar}. */
    static List<Path> build(Path dir) throws IOException {
        Path rootfs = rootfs(dir.resolve("rootfs"));
        Path layer = dir.resolve("layer.tar");
        CmdResult tar = Cmd.run(Duration.ofSeconds(60), List.of("tar", "--numeric-owner", "--owner=0", "--group=0",
                "--sort=name", "--mtime=@0", "-C", rootfs.toString(), "-cf", layer.toString(), "."));
        if (!tar.ok()) {
            throw new IllegalStateException("cannot write the layer: " + tar);
        }
        Path busybox = image(dir.resolve("busybox-oci"), layer, BUSYBOX_REF, null, List.of("/bin/sh"), dir.resolve("busybox.tar"));
        Path pause = image(dir.resolve("pause-oci"), layer, PAUSE_REF, List.of("/bin/sleep", "2147483647"), null, dir.resolve("pause.tar"));
        return List.of(busybox, pause);
    }

    /** The busybox rootfs of both images, with a nobody user and /var/log. */
    private static Path rootfs(Path dir) throws IOException {
        return BusyboxRootfs.build(dir, List.of("var/log"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n",
                "root:x:0:\nnogroup:x:65534:\n");
    }

    private static Path image(Path layout, Path layer, String ref, List<String> entrypoint, List<String> cmd, Path tarball)
            throws IOException {
        Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
        String layerDigest = sha256(layer);
        Files.copy(layer, blobs.resolve(layerDigest));
        Map<String, Object> cfg = new LinkedHashMap<>();
        cfg.put("Env", List.of(PATH_ENV));
        if (entrypoint != null) {
            cfg.put("Entrypoint", entrypoint);
        }
        if (cmd != null) {
            cfg.put("Cmd", cmd);
        }
        cfg.put("WorkingDir", "/");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("created", "1970-01-01T00:00:00Z");
        config.put("architecture", arch());
        config.put("os", "linux");
        config.put("config", cfg);
        config.put("rootfs", Map.of("type", "layers", "diff_ids", List.of("sha256:" + layerDigest)));
        String configDigest = blob(blobs, JSON.writeValueAsBytes(config));
        long configSize = Files.size(blobs.resolve(configDigest));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        manifest.put("config", Map.of("mediaType", "application/vnd.oci.image.config.v1+json",
                "digest", "sha256:" + configDigest, "size", configSize));
        manifest.put("layers", List.of(Map.of("mediaType", "application/vnd.oci.image.layer.v1.tar",
                "digest", "sha256:" + layerDigest, "size", Files.size(layer))));
        String manifestDigest = blob(blobs, JSON.writeValueAsBytes(manifest));
        Map<String, Object> desc = new LinkedHashMap<>();
        desc.put("mediaType", "application/vnd.oci.image.manifest.v1+json");
        desc.put("digest", "sha256:" + manifestDigest);
        desc.put("size", Files.size(blobs.resolve(manifestDigest)));
        desc.put("platform", Map.of("architecture", arch(), "os", "linux"));
        desc.put("annotations", Map.of("io.containerd.image.name", ref,
                "org.opencontainers.image.ref.name", ref.substring(ref.lastIndexOf(':') + 1)));
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(Map.of("schemaVersion", 2, "manifests", List.of(desc))));
        CmdResult tar = Cmd.run(Duration.ofSeconds(60), List.of("tar", "--numeric-owner", "--owner=0", "--group=0",
                "-C", layout.toString(), "-cf", tarball.toString(), "oci-layout", "index.json", "blobs"));
        if (!tar.ok()) {
            throw new IllegalStateException("cannot write " + tarball + ": " + tar);
        }
        return tarball;
    }

    private static String blob(Path blobs, byte[] content) throws IOException {
        String d = HexFormat.of().formatHex(digest().digest(content));
        Files.write(blobs.resolve(d), content);
        return d;
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest md = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GOARCH of this JVM's platform. */
    static String arch() {
        String a = System.getProperty("os.arch");
        return switch (a) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            default -> a;
        };
    }
}
