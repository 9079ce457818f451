package io.rune.shim.carrier;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The way the e2e test uses the fake toolchain: install.sh, then its config.toml as is. */
class FakeToolchainInstallTest {
    @TempDir
    Path tmp;

    @Test
    void installedToolchainAndConfigRunOcclumAndGraphene() throws Exception {
        CommandRunner runner = new ProcessCommandRunner(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
        Path dest = tmp.resolve("fake toolchain".replace(' ', '-'));
        CommandRunner.Result r = runner.run(new CommandRunner.Command(List.of("/bin/sh",
                TestSupport.resource("fake-toolchain/install.sh").toString(), dest.toString()), null, Duration.ofSeconds(10)));
        assertEquals(0, r.exitCode(), r.stderrText());
        Path config = Path.of(r.stdoutText().strip());
        assertEquals(dest.resolve("config.toml"), config);
        assertFalse(Files.readString(config).contains("@FAKE_TOOLCHAIN@"));
        for (String t : List.of("occlum", "sgx_sign", "gramine-sgx-sign", "gramine-sgx-get-token")) {
            assertTrue(Files.isExecutable(dest.resolve("bin").resolve(t)), t);
        }

        for (String kind : List.of("occlum", "graphene")) {
            Path bundle = Files.createDirectories(tmp.resolve("bundle-" + kind));
            TestSupport.rootfs(bundle);
            TestSupport.writeSpec(bundle, List.of("/bin/hello"), List.of("RUNE_CARRIER=" + kind), "/");
            CarrierResult res = Carrier.prepare(new CarrierRequest("e2e-" + kind, bundle, config, null, runner));
            assertEquals("intelSgx", res.enclaveEnv().get("ENCLAVE_TYPE"));
            assertTrue(TestSupport.env(bundle).contains("ENCLAVE_TYPE=intelSgx"));
            assertTrue(Files.exists(bundle.resolve(kind.equals("occlum") ? "rootfs/build/lib/libocclum-libos.signed.so" : "rootfs/hello.token")));
        }
        assertEquals(List.of(), TestSupport.entries(dest.resolve("work")));
    }

    @Test
    void misuseOfTheFakeToolsFailsWithAMessage() throws Exception {
        Path tc = TestSupport.installToolchain(tmp.resolve("tc"));
        CommandRunner runner = new ProcessCommandRunner(Map.of("PATH", "/usr/bin:/bin"));
        Map<List<String>, String> cases = Map.of(
                List.of("occlum", "build"), "no Occlum.json",
                List.of("occlum", "run", "/bin/hello"), "needs SGX hardware",
                List.of("occlum", "init", "extra"), "unexpected arguments",
                List.of("sgx_sign", "gendata", "-enclave", "x"), "option -config is required",
                List.of("sgx_sign", "catsig", "-bogus"), "unrecognized option '-bogus'",
                List.of("gramine-sgx-sign", "--manifest", "m"), "missing option --output",
                List.of("gramine-sgx-get-token", "--sig"), "option --sig needs a value");
        for (var c : cases.entrySet()) {
            List<String> argv = new java.util.ArrayList<>(c.getKey());
            argv.set(0, tc.resolve("bin").resolve(argv.get(0)).toString());
            CommandRunner.Result r = runner.run(new CommandRunner.Command(argv, tmp, Duration.ofSeconds(10)));
            assertNotEquals(0, r.exitCode(), c.getKey().toString());
            assertTrue(r.stderrText().contains(c.getValue()), c.getKey() + ": " + r.stderrText());
        }
    }
}
