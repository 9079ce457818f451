package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.BusyboxRootfs;
import io.rune.shim.testsupport.CmdResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The carrier step through containerd (issue 5): RUNE_CARRIER=occlum with the fake Occlum/SGX
 * toolchain of the carrier module builds and signs an instance in the rootfs and hands rune the
 * ENCLAVE_* environment; RUNE_CARRIER=bogus is refused with InvalidArgument and leaves nothing.
 * rune is runc here, so the enclave itself is not entered: the fake tools stand in for Occlum.
 */
class CarrierTest extends E2eTestBase {
    private Path optionsFile;
    private Path rootfs;

    CarrierTest(PrivateContainerd ctd) {
        super(ctd);
    }

    @BeforeEach
    void installFakeToolchain(@TempDir Path dir) throws IOException, InterruptedException {
        Path install = Path.of("").toAbsolutePath().getParent()
                .resolve("carrier/src/test/resources/fake-toolchain/install.sh");
        Process p = new ProcessBuilder("sh", install.toString(), dir.resolve("fake").toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        assertEquals(0, p.waitFor(), out);
        String[] lines = out.split("\n");
        Path config = Path.of(lines[lines.length - 1].trim());
        assertTrue(Files.isRegularFile(config), "install.sh did not print the config path: " + out);
        optionsFile = dir.resolve("rune-options.toml");
        Files.writeString(optionsFile, "CarrierConfig = \"" + config + "\"\n");
        // the instance is built into the rootfs: each test gets its own copy
        rootfs = BusyboxRootfs.build(dir.resolve("rootfs"));
    }

    private CmdResult run(String id, String carrier, String... cmd) {
        List<String> a = new ArrayList<>(List.of("run", "--rm", "--runtime", ut.name(), "--runtime-config-path",
                optionsFile.toString(), "--env", "RUNE_CARRIER=" + carrier, "--fifo-dir", ctr.fifoDir().toString(),
                "--rootfs", rootfs.toString(), id));
        a.addAll(List.of(cmd));
        return ctr.exec(Duration.ofSeconds(120), a);
    }

    @Test
    void occlumCarrierBuildsTheInstanceAndSetsTheEnclaveEnv() {
        String id = containers.newId(ut, "occlum");
        CmdResult r = run(id, "occlum", "/bin/env");
        assertEquals(0, r.exitCode(), r.describe());
        assertTrue(r.stdout().contains("ENCLAVE_TYPE=intelSgx"), r.stdout());
        assertTrue(r.stdout().contains("ENCLAVE_RUNTIME_PATH="), r.stdout());
        assertTrue(r.stdout().contains("ENCLAVE_RUNTIME_ARGS=./"), r.stdout());
        assertTrue(Files.isRegularFile(rootfs.resolve("Occlum.json")), "Occlum.json not placed in the rootfs");
        assertTrue(Files.isDirectory(rootfs.resolve("build")), "signed instance (build/) not placed in the rootfs");
        Leftovers left = Leftovers.awaitClean(ctd, ut, id, Duration.ofSeconds(15), false);
        assertTrue(left.clean(), left.toString());
    }

    @Test
    void unknownCarrierIsInvalidArgumentAndLeavesNothing() throws IOException {
        String id = containers.newId(ut, "bogus");
        CmdResult r = run(id, "bogus", "/bin/env");
        assertEquals(1, r.exitCode(), r.describe());
        assertTrue(r.stderr().contains("unsupported RUNE_CARRIER \"bogus\""), r.stderr());
        if (!ctd.config().containerd().version().atLeast2()) {
            // the ctr of 1.x appends the gRPC code's name to the message; that of 2.x prints the message alone
            assertTrue(r.stderr().contains("invalid argument"), r.stderr());
        }
        Leftovers left = Leftovers.awaitClean(ctd, ut, id, Duration.ofSeconds(15), false);
        assertTrue(left.clean(), left.toString());
        assertFalse(ctr.listQuiet("container").contains(id), "container object left behind");
        assertFalse(Files.exists(rootfs.resolve("Occlum.json")), "the rootfs was touched");
    }
}
