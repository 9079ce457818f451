package io.rune.shim.carrier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** One test's world: fake toolchain, bundle + rootfs, config.toml, work dir, the tools' log. */
final class Fixture {
    final Path dir, toolchain, bundle, rootfs, log, work, keyFile, configToml;
    final TestSupport.CountingMount mount = new TestSupport.CountingMount();
    String id = "ctr-1";
    String fail = "";

    Fixture(Path dir) throws Exception {
        this.dir = dir;
        toolchain = TestSupport.installToolchain(dir.resolve("toolchain"));
        bundle = Files.createDirectories(dir.resolve("bundle"));
        rootfs = TestSupport.rootfs(bundle);
        log = Files.createDirectories(dir.resolve("log"));
        work = dir.resolve("work");
        keyFile = dir.resolve("signing-key.pem");
        Files.writeString(keyFile, Pem.privateKey(TestSupport.key()));
        configToml = dir.resolve("config.toml");
        config("");
    }

    /** Writes config.toml pointing at the fake tools; {@code extra} is appended (later tables win by being new keys). */
    Fixture config(String extra) throws IOException {
        Files.writeString(configToml, base(true) + extra);
        return this;
    }

    /** The same without [signature] private_key (fresh key per container), plus {@code signature} lines. */
    Fixture configSignature(String signature) throws IOException {
        Files.writeString(configToml, base(false).replace("[signature]\n", "[signature]\n" + signature));
        return this;
    }

    private String base(boolean withKey) {
        String tc = toolchain.toString();
        return "log_level = \"debug\"\n"
                + "sgx_tool_sign = \"" + tc + "/bin/sgx_sign\"\n"
                + "[signature]\n"
                + (withKey ? "private_key = \"" + keyFile + "\"\n" : "")
                + "[enclave_runtime]\n"
                + "work_dir = \"" + work + "\"\n"
                + "tool_timeout_seconds = 30\n"
                + "[enclave_runtime.occlum]\n"
                + "occlum_bin_dir = \"" + tc + "/bin\"\n"
                + "[enclave_runtime.graphene]\n"
                + "sign_tool = \"" + tc + "/bin/gramine-sgx-sign\"\n"
                + "token_tool = \"" + tc + "/bin/gramine-sgx-get-token\"\n"
                + "libos_path = \"/usr/lib/x86_64-linux-gnu/gramine/libsysdb.so\"\n";
    }

    Fixture spec(List<String> args, List<String> env, String cwd) throws IOException {
        TestSupport.writeSpec(bundle, args, env, cwd);
        return this;
    }

    CarrierRequest request() {
        return new CarrierRequest(id, bundle, configToml, mount, TestSupport.runner(log, fail));
    }

    CarrierResult prepare() throws Exception {
        return Carrier.prepare(request());
    }

    String tc(String tool) {
        return toolchain.resolve("bin").resolve(tool).toString();
    }

    /** The workspace the tools ran in (from the first logged cwd). */
    Path workspace() throws IOException {
        String first = TestSupport.commands(log).get(0);
        Path cwd = Path.of(first.substring(0, first.indexOf('|')));
        return cwd.getFileName().toString().equals("occlum_instance") ? cwd.getParent() : cwd;
    }

    byte[] configJson() throws IOException {
        return Files.readAllBytes(bundle.resolve("config.json"));
    }

    Map<String, String> snapshotRootfs() throws IOException {
        return TestSupport.snapshot(rootfs);
    }
}
