package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SkeletonAndKindTest {
    @TempDir
    Path tmp;

    @Test
    void kindComesFromRuneCarrier() throws Exception {
        Fixture f = new Fixture(tmp);
        f.spec(List.of("/bin/hello"), List.of("PATH=/bin"), "/");
        assertEquals(CarrierKind.NONE, Carrier.kindOf(f.bundle));
        f.spec(List.of("/bin/hello"), List.of("RUNE_CARRIER="), "/");
        assertEquals(CarrierKind.NONE, Carrier.kindOf(f.bundle));
        f.spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=skeleton"), "/");
        assertEquals(CarrierKind.SKELETON, Carrier.kindOf(f.bundle));
        f.spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=bogus", "RUNE_CARRIER=occlum"), "/");
        assertEquals(CarrierKind.OCCLUM, Carrier.kindOf(f.bundle), "the last entry wins");
        assertEquals(CarrierKind.GRAPHENE, Carrier.kindOfEnv(List.of("RUNE_CARRIER=graphene")));
    }

    @Test
    void anUnknownKindNamesTheValueAndTheAcceptedOnes() throws Exception {
        Fixture f = new Fixture(tmp);
        f.spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=bogus"), "/");
        CarrierException e = assertThrows(CarrierException.class, () -> Carrier.kindOf(f.bundle));
        assertEquals(CarrierException.Reason.INVALID_ARGUMENT, e.reason());
        assertEquals("unsupported RUNE_CARRIER \"bogus\": accepted values are \"occlum\", \"graphene\", \"skeleton\", "
                + "or unset/empty for no carrier", e.getMessage());
        byte[] before = f.configJson();
        assertEquals(e.getMessage(), assertThrows(CarrierException.class, f::prepare).getMessage());
        assertEquals(0, f.mount.mounts);
        assertArrayEquals(before, f.configJson());
    }

    @Test
    void noCarrierDoesNothingAndDoesNotReadConfigToml() throws Exception {
        Fixture f = new Fixture(tmp);
        Files.writeString(f.configToml, "this is [not toml");
        f.spec(List.of("/bin/hello"), List.of("PATH=/bin"), "/");
        byte[] before = f.configJson();
        CarrierResult r = f.prepare();
        assertEquals(CarrierKind.NONE, r.kind());
        assertEquals(Map.of(), r.enclaveEnv());
        assertEquals(0, f.mount.mounts);
        assertArrayEquals(before, f.configJson());
    }

    @Test
    void skeletonPassesTheUserVariablesUntouched() throws Exception {
        Fixture f = new Fixture(tmp);
        Files.writeString(f.rootfs.resolve("app/liberpal-skeleton-v3.so"), "pal");
        List<String> env = List.of("RUNE_CARRIER=skeleton", "ENCLAVE_TYPE=intelSgx",
                "ENCLAVE_RUNTIME_PATH=/app/liberpal-skeleton-v3.so", "ENCLAVE_RUNTIME_ARGS=debug");
        f.spec(List.of("/bin/hello"), env, "/");
        byte[] before = f.configJson();
        CarrierResult r = f.prepare();
        assertEquals(CarrierKind.SKELETON, r.kind());
        assertEquals("debug", r.enclaveEnv().get("ENCLAVE_RUNTIME_ARGS"));
        assertArrayEquals(before, f.configJson());
        assertEquals(List.of(), TestSupport.commands(f.log));
        f.mount.assertBalanced(1);

        // a host path and a cwd-relative path in the rootfs are fine too
        f.spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=skeleton", "ENCLAVE_RUNTIME_PATH=" + f.configToml), "/");
        f.prepare();
        f.spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=skeleton", "ENCLAVE_RUNTIME_PATH=liberpal-skeleton-v3.so"), "/app");
        f.prepare();
    }

    @Test
    void skeletonWithAMissingEnclaveRuntimeFailsClearly() throws Exception {
        Fixture f = new Fixture(tmp);
        f.spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=skeleton", "ENCLAVE_RUNTIME_PATH=/usr/lib/liberpal-nope.so"), "/");
        byte[] before = f.configJson();
        CarrierException e = assertThrows(CarrierException.class, f::prepare);
        assertEquals(CarrierException.Reason.INVALID_ARGUMENT, e.reason());
        assertEquals("skeleton carrier, step check-enclave-runtime: ENCLAVE_RUNTIME_PATH \"/usr/lib/liberpal-nope.so\" "
                + "does not exist (looked on the host and in the container rootfs)", e.getMessage());
        assertArrayEquals(before, f.configJson());
        f.mount.assertBalanced(1);
    }

    @Test
    void callerMountedRootfsNeedsNoMountCallback() throws Exception {
        Fixture f = new Fixture(tmp).spec(List.of("/bin/hello"), List.of("RUNE_CARRIER=occlum"), "/app");
        CarrierResult r = Carrier.prepare(new CarrierRequest("c", f.bundle, f.configToml, null, TestSupport.runner(f.log, "")));
        assertEquals(CarrierKind.OCCLUM, r.kind());
        assertTrue(Files.exists(f.rootfs.resolve("app/Occlum.json")));
    }
}
