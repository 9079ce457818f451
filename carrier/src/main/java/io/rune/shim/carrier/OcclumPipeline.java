package io.rune.shim.carrier;

import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * Occlum: {@code occlum init} in a workspace, Occlum.json from the container's env, the rootfs
 * copied into {@code image/}, {@code occlum build}, {@code sgx_sign gendata}, signing (server or
 * local key), {@code sgx_sign catsig}, then the instance (without {@code image/}) placed in the
 * rootfs at the process cwd and ENCLAVE_* set in config.json.
 */
final class OcclumPipeline implements Pipeline {
    static final String SIGNED_LIBOS = "build/lib/libocclum-libos.signed.so";
    static final String ENCLAVE_XML = "build/Enclave.xml";
    /** Top-level entries of an Occlum instance: a previous instance at cwd is not copied into the new image. */
    private static final Set<String> INSTANCE_ENTRIES = Set.of("Occlum.json", "build", "run", "initfs", "image", ".occlum");

    private JsonObject occlumJson;
    private CompletableFuture<Signer> signer;

    @Override
    public void validate(Ctx ctx) throws CarrierException, InterruptedException {
        ctx.config = ctx.step("read-config", () -> CarrierConfig.load(ctx.request.configToml()));
        if (ctx.spec.args().isEmpty()) throw CarrierException.invalid("process.args is empty: Occlum needs an entry point");
        occlumJson = OcclumJson.fromEnv(ctx.spec.env());
        if (!ctx.config.enclaveRuntime().clientSigned()) signer = signerFor(ctx.config);
    }

    /** The server signer, or a local one whose key is read or generated in the background while the build runs. */
    static CompletableFuture<Signer> signerFor(CarrierConfig config) throws CarrierException {
        CarrierConfig.Signature s = config.signature();
        if (!s.serverAddress().isEmpty()) return CompletableFuture.completedFuture(new Signer.Server(s.serverAddress(), s.timeout()));
        if (!s.privateKey().isEmpty()) {
            return CompletableFuture.completedFuture(new Signer.Local(Signer.loadOrGenerate(s.privateKey()), s.privateKey()));
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new Signer.Local(Signer.loadOrGenerate(""), "generated for this container");
            } catch (CarrierException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        });
    }

    static <T> T awaitValue(CompletableFuture<T> f) throws CarrierException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof IllegalStateException && c.getCause() instanceof CarrierException ce) throw ce;
            throw CarrierException.failed("signing key: " + (c.getMessage() == null ? c : c.getMessage()), c);
        }
    }

    @Override
    public CarrierResult build(Ctx ctx) throws CarrierException, InterruptedException {
        CarrierConfig.Occlum cfg = ctx.config.enclaveRuntime().occlum();
        String cwd = ctx.spec.cwd();
        Map<String, String> enclaveEnv = new LinkedHashMap<>();
        enclaveEnv.put("ENCLAVE_TYPE", "intelSgx");
        enclaveEnv.put("ENCLAVE_RUNTIME_PATH", cfg.enclaveRuntimePath().isEmpty()
                ? (cwd.endsWith("/") ? cwd : cwd + "/") + "liberpal-occlum.so" : cfg.enclaveRuntimePath());
        enclaveEnv.put("ENCLAVE_RUNTIME_ARGS", "./");

        if (ctx.config.enclaveRuntime().clientSigned()) {
            ctx.step("check-client-instance", () -> {
                Path signed = Trees.resolveIn(ctx.rootfs(), cwd + "/" + SIGNED_LIBOS).hostPath();
                if (!Files.isRegularFile(signed)) {
                    throw CarrierException.precondition("signature_method = \"client\" but the rootfs has no signed Occlum instance ("
                            + cwd + "/" + SIGNED_LIBOS + " is missing)");
                }
                return null;
            });
            ctx.step("rewrite-config", () -> {
                ctx.setEnv(enclaveEnv);
                return null;
            });
            return new CarrierResult(CarrierKind.OCCLUM, enclaveEnv, cwd);
        }

        String arg0 = ctx.spec.args().get(0);
        Trees.Resolved entry = ctx.step("resolve-entry", () -> {
            Trees.Resolved r = Trees.lookPath(ctx.rootfs(), arg0, ctx.spec.env().get("PATH"), cwd);
            if (r == null) throw CarrierException.invalid("entry point \"" + arg0 + "\" (process.args[0]) is not in the container rootfs");
            return r;
        });
        String entryDir = Path.of(entry.containerPath()).getParent().toString();
        OcclumJson.setEntryPoints(occlumJson, List.of(entryDir));

        ctx.step("check-workdir", () -> {
            checkWorkdir(ctx, cwd, INSTANCE_ENTRIES);
            return null;
        });

        Path occlum = Path.of(cfg.occlumBinDir(), "occlum");
        Path ws = ctx.step("workspace", ctx::workspace);
        Path instance = ws.resolve("occlum_instance");
        ctx.step("occlum-init", () -> {
            Files.createDirectories(instance);
            return ctx.tool(List.of(occlum.toString(), "init"), instance);
        });
        ctx.step("write-occlum-json", () -> {
            Files.writeString(instance.resolve("Occlum.json"), Json.writePretty(occlumJson), StandardCharsets.UTF_8);
            return null;
        });
        ctx.step("copy-rootfs", () -> {
            Path rootfs = ctx.rootfs();
            Path oldInstance = Trees.resolveIn(rootfs, cwd).hostPath();
            boolean hadInstance = Files.isRegularFile(oldInstance.resolve("Occlum.json"));
            Trees.copy(rootfs, instance.resolve("image"), p -> hadInstance && p.getParent() != null
                    && p.getParent().equals(oldInstance) && isInstanceEntry(p.getFileName().toString()));
            return null;
        });
        ctx.step("occlum-build", () -> {
            ctx.tool(List.of(occlum.toString(), "build"), instance);
            for (String f : List.of(ENCLAVE_XML)) {
                if (!Files.isRegularFile(instance.resolve(f))) throw CarrierException.failed("occlum build did not produce " + f, null);
            }
            return null;
        });
        Path unsigned = Path.of(cfg.enclaveLibosPath()).isAbsolute() ? Path.of(cfg.enclaveLibosPath()) : instance.resolve(cfg.enclaveLibosPath());
        Path xml = instance.resolve(ENCLAVE_XML);
        Path material = ws.resolve("signing_material.bin");
        Path sigFile = ws.resolve("signature.bin");
        Path keyFile = ws.resolve("public_key.pem");
        String sgxSign = ctx.config.sgxToolSign();
        ctx.step("sgx-sign-gendata", () -> {
            if (!Files.isRegularFile(unsigned)) {
                throw CarrierException.failed("unsigned enclave " + unsigned + " is missing ([enclave_runtime.occlum] enclave_libos_path)", null);
            }
            ctx.tool(List.of(sgxSign, "gendata", "-enclave", unsigned.toString(), "-config", xml.toString(),
                    "-out", material.toString()), ws);
            if (!Files.isRegularFile(material)) throw CarrierException.failed(sgxSign + " gendata wrote no " + material, null);
            return null;
        });
        ctx.step("sign", () -> {
            Signer s = awaitValue(signer);
            Signer.Signed signed = s.sign(Files.readAllBytes(material));
            Files.write(sigFile, signed.signature());
            Files.writeString(keyFile, signed.publicKeyPem());
            return null;
        });
        ctx.step("sgx-sign-catsig", () -> ctx.tool(List.of(sgxSign, "catsig", "-enclave", unsigned.toString(),
                "-config", xml.toString(), "-out", instance.resolve(SIGNED_LIBOS).toString(), "-key", keyFile.toString(),
                "-sig", sigFile.toString(), "-unsigned", material.toString()), ws));
        ctx.step("place-instance", () -> {
            List<String> names = new ArrayList<>();
            try (Stream<Path> s = Files.list(instance)) {
                s.map(p -> p.getFileName().toString()).filter(n -> !n.equals("image")).sorted().forEach(names::add);
            }
            checkWorkdir(ctx, cwd, names);
            return ctx.place(instance, names, cwd);
        });
        ctx.step("rewrite-config", () -> {
            ctx.setEnv(enclaveEnv);
            return null;
        });
        return new CarrierResult(CarrierKind.OCCLUM, enclaveEnv, cwd);
    }

    /**
     * The instance goes into the working directory. Entries of a previous instance there are
     * replaced; anything else with an instance entry's name (say /run when cwd is /) is the
     * image's own and is never replaced: that is an error naming the entry.
     */
    private static void checkWorkdir(Ctx ctx, String cwd, java.util.Collection<String> names) throws Exception {
        Path dest = Trees.resolveIn(ctx.rootfs(), cwd).hostPath();
        boolean hadInstance = Files.isRegularFile(dest.resolve("Occlum.json"));
        for (String n : names.stream().sorted().toList()) {
            if (n.equals("Occlum.json") || !Files.exists(dest.resolve(n), java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            if (hadInstance && isInstanceEntry(n)) continue;
            throw CarrierException.invalid("the working directory " + cwd + " already holds \"" + n
                    + "\", which is not part of an Occlum instance; Occlum places its instance (Occlum.json, build/, run/)"
                    + " in process.cwd: give the container a working directory of its own (e.g. /run/rune)");
        }
    }

    private static boolean isInstanceEntry(String name) {
        return INSTANCE_ENTRIES.contains(name) || name.endsWith(".carrier-old");
    }
}
