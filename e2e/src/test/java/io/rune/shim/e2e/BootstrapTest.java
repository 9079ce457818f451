package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rune.shim.api.types.RuntimeInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How containerd talks to each shim after {@code start} (docs/protocol.md §1.5): under 1.6 and 1.7
 * the shim wrote the bare address to the bundle's {@code address} file and containerd writes no
 * {@code bootstrap.json}; under 2.x containerd saved the start answer in {@code bootstrap.json}
 * (the runc shim announces version 3, and so must the shim under test) and no {@code address} file
 * exists. Under 2.x also {@code -info}: a RuntimeInfo with the runtime's name and a features Any of
 * the same type as the reference's.
 */
class BootstrapTest extends E2eTestBase {
    private static final ObjectMapper JSON = new ObjectMapper();

    BootstrapTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** What the bundle of a running container says about the connection, the address made uniform. */
    record Bundle(boolean started, String addressFile, String bootstrap) {}

    private Bundle scenario(ShimRuntime rt) {
        String id = containers.newId(rt, "boot");
        if (!startSleeper(rt, id)) return new Bundle(false, null, null);
        Path bundle = ctd.bundleDir(id);
        Bundle b = new Bundle(true, read(bundle.resolve("address")), bootstrap(bundle.resolve("bootstrap.json")));
        teardown(rt, id);
        return b;
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p).replaceAll("^unix:///run/containerd/s/[0-9a-f]{64}$", "<address>") : "absent";
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static String bootstrap(Path p) {
        try {
            if (!Files.exists(p)) return "absent";
            JsonNode n = JSON.readTree(p.toFile());
            return "version=" + n.path("version").asInt() + " protocol=" + n.path("protocol").asText()
                    + " address=" + n.path("address").asText().replaceAll("^unix:///run/containerd/s/[0-9a-f]{64}$", "<address>");
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Test
    void theShimIsTalkedToAsTheReferenceIs() {
        Sides<Bundle> s = Sides.run(ref, ut, this::scenario);
        boolean v2 = ctd.config().containerd().version().atLeast2();
        Bundle expected = v2 ? new Bundle(true, "absent", "version=3 protocol=ttrpc address=<address>")
                : new Bundle(true, "<address>", "absent");
        assertAll(() -> assertEquals(expected, s.ref(), "reference"), () -> assertEquals(expected, s.ut(), "under test"));
    }

    /** The kind of answer of {@code <shim> -info} with no options: exit status, name, features type. */
    record Info(int exit, String name, String featuresType) {}

    private Info info(ShimRuntime rt) {
        Path shim = ctd.resolveShim(rt);
        try {
            ProcessBuilder pb = new ProcessBuilder(List.of(shim.toString(), "-info"));
            pb.environment().put("PATH", ctd.searchPath()); // as containerd runs it: rune found through PATH
            Process p = pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Info(-1, "timeout", "");
            }
            if (p.exitValue() != 0) return new Info(p.exitValue(), "", "");
            RuntimeInfo i = RuntimeInfo.parseFrom(out);
            return new Info(0, i.getName(), i.getFeatures().getTypeUrl());
        } catch (IOException e) {
            return new Info(-1, e.toString(), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Info(-1, e.toString(), "");
        }
    }

    @Test
    void infoAnswersAsTheReferenceOfContainerd2() {
        Sides<Info> s = Sides.run(ref, ut, this::info);
        // the shim answers -info under every release; the runc shims of 1.6 and 1.7 do not know the flag
        assertEquals(new Info(0, ut.name(), "types.containerd.io/opencontainers/runtime-spec/1/features/Features"), s.ut());
        if (ctd.config().containerd().version().atLeast2()) {
            assertEquals(new Info(0, ref.name(), s.ut().featuresType()), s.ref(), "reference");
        } else {
            assertTrue(s.ref().exit() != 0, "reference of 1.x answered -info: " + s.ref());
        }
    }
}
