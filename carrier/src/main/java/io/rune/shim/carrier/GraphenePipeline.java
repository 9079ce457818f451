package io.rune.shim.carrier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;

/**
 * Graphene/Gramine: a manifest generated from config.json (entry point, args, env, cwd, trusted
 * files hashed from the rootfs), signed by the configured {@code sign_tool} with a local
 * RSA-3072/e=3 key, optionally a launch token from {@code token_tool}; manifest, signed manifest,
 * signature (and token) placed at the process cwd; ENCLAVE_* set for rune. The tool contract is
 * in the module README.
 */
final class GraphenePipeline implements Pipeline {
    private static final Pattern SIZE = Pattern.compile("[0-9]+[KMG]?");

    private String enclaveSize;
    private int maxThreads;
    private boolean debug;
    private CompletableFuture<RSAPrivateCrtKey> key;

    @Override
    public void validate(Ctx ctx) throws CarrierException, InterruptedException {
        ctx.config = ctx.step("read-config", () -> CarrierConfig.load(ctx.request.configToml()));
        CarrierConfig.Graphene g = ctx.config.enclaveRuntime().graphene();
        Map<String, String> env = ctx.spec.env();
        if (ctx.spec.args().isEmpty()) throw CarrierException.invalid("process.args is empty: Graphene needs an entry point");
        enclaveSize = env.getOrDefault("GRAPHENE_ENCLAVE_SIZE", "").isEmpty() ? g.enclaveSize() : env.get("GRAPHENE_ENCLAVE_SIZE").strip();
        if (!SIZE.matcher(enclaveSize).matches()) {
            throw CarrierException.invalid("Graphene enclave size \"" + enclaveSize + "\" is not a size like 256M or 1G");
        }
        String threads = env.getOrDefault("GRAPHENE_MAX_THREADS", "");
        maxThreads = g.maxThreads();
        if (!threads.isEmpty()) {
            try {
                maxThreads = Integer.parseInt(threads.strip());
            } catch (NumberFormatException e) {
                maxThreads = -1;
            }
            if (maxThreads <= 0) throw CarrierException.invalid("GRAPHENE_MAX_THREADS \"" + threads + "\" is not a positive integer");
        }
        String release = env.getOrDefault("GRAPHENE_RELEASE_ENCLAVE", "").strip();
        debug = switch (release) {
            case "", "0", "false" -> true;
            case "1", "true" -> false;
            default -> throw CarrierException.invalid("GRAPHENE_RELEASE_ENCLAVE \"" + release + "\" must be 0 (debug enclave) or 1 (product enclave)");
        };
        if (ctx.config.enclaveRuntime().clientSigned()) return;
        CarrierConfig.Signature s = ctx.config.signature();
        if (!s.privateKey().isEmpty()) {
            key = CompletableFuture.completedFuture(Signer.loadOrGenerate(s.privateKey()));
        } else if (!s.serverAddress().isEmpty()) {
            throw CarrierException.precondition("Graphene enclaves are signed by " + g.signTool()
                    + " with a local key, not by the signature server: set [signature] private_key, or use signature_method = \"client\"");
        } else {
            key = CompletableFuture.supplyAsync(() -> {
                try {
                    return Signer.generateSgxKey();
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException("cannot generate a signing key: " + e.getMessage(), e);
                }
            });
        }
    }

    @Override
    public CarrierResult build(Ctx ctx) throws CarrierException, InterruptedException {
        CarrierConfig.Graphene g = ctx.config.enclaveRuntime().graphene();
        String cwd = ctx.spec.cwd();
        List<String> args = ctx.spec.args();
        String name = appName(args.get(0));
        Map<String, String> enclaveEnv = new LinkedHashMap<>();
        enclaveEnv.put("ENCLAVE_TYPE", "intelSgx");
        enclaveEnv.put("ENCLAVE_RUNTIME_PATH", g.enclaveRuntimePath().isEmpty()
                ? (cwd.endsWith("/") ? cwd : cwd + "/") + "liberpal-graphene.so" : g.enclaveRuntimePath());
        enclaveEnv.put("ENCLAVE_RUNTIME_ARGS", "./" + name);

        if (ctx.config.enclaveRuntime().clientSigned()) {
            ctx.step("check-client-instance", () -> {
                for (String f : List.of(name + ".manifest.sgx", name + ".sig")) {
                    if (!Files.isRegularFile(Trees.resolveIn(ctx.rootfs(), cwd + "/" + f).hostPath())) {
                        throw CarrierException.precondition("signature_method = \"client\" but " + cwd + "/" + f + " is not in the rootfs");
                    }
                }
                return null;
            });
            ctx.step("rewrite-config", () -> {
                ctx.setEnv(enclaveEnv);
                return null;
            });
            return new CarrierResult(CarrierKind.GRAPHENE, enclaveEnv, cwd);
        }

        Map<String, String> env = ctx.spec.env();
        Trees.Resolved entry = ctx.step("resolve-entry", () -> {
            Trees.Resolved r = Trees.lookPath(ctx.rootfs(), args.get(0), env.get("PATH"), cwd);
            if (r == null) throw CarrierException.invalid("entry point \"" + args.get(0) + "\" (process.args[0]) is not in the container rootfs");
            return Trees.resolveIn(ctx.rootfs(), r.containerPath());
        });
        Path ws = ctx.step("workspace", ctx::workspace);
        Path manifest = ws.resolve(name + ".manifest");
        Path signedManifest = ws.resolve(name + ".manifest.sgx");
        Path sig = ws.resolve(name + ".sig");
        Path token = ws.resolve(name + ".token");
        Path keyFile = ws.resolve("signing_key.pem");
        ctx.step("write-manifest", () -> {
            Map<String, String> trusted = GrapheneManifest.newTrustedMap();
            trusted.put(entry.containerPath(), GrapheneManifest.sha256(entry.hostPath()));
            List<String> dirs = new ArrayList<>(g.trustedDirs());
            dirs.addAll(split(env.get("GRAPHENE_TRUSTED_FILES")));
            for (String d : dirs) GrapheneManifest.hashInto(ctx.rootfs(), d, trusted);
            List<String> allowed = new ArrayList<>(g.allowedFiles());
            allowed.addAll(split(env.get("GRAPHENE_ALLOWED_FILES")));
            Map<String, String> loaderEnv = new LinkedHashMap<>();
            env.forEach((k, v) -> {
                if (!k.equals(CarrierKind.ENV) && !k.startsWith("GRAPHENE_") && !k.startsWith("ENCLAVE_")) loaderEnv.put(k, v);
            });
            String text = GrapheneManifest.render(ctx.id, new GrapheneManifest.Input(entry.containerPath(), args, loaderEnv, cwd,
                    g.libosPath(), debug, enclaveSize, maxThreads, trusted, allowed));
            Files.writeString(manifest, text);
            return null;
        });
        ctx.step("write-signing-key", () -> {
            RSAPrivateCrtKey k = OcclumPipeline.awaitValue(key);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, Pem.privateKey(k));
            return null;
        });
        ctx.step("gramine-sign", () -> {
            List<String> argv = new ArrayList<>(List.of(g.signTool(), "--manifest", manifest.toString(),
                    "--output", signedManifest.toString(), "--key", keyFile.toString()));
            if (!g.libpalPath().isEmpty()) argv.addAll(List.of("--libpal", g.libpalPath()));
            ctx.tool(argv, ws);
            for (Path p : List.of(signedManifest, sig)) {
                if (!Files.isRegularFile(p)) throw CarrierException.failed(g.signTool() + " did not write " + p.getFileName(), null);
            }
            return null;
        });
        if (!g.tokenTool().isEmpty()) {
            ctx.step("gramine-token", () -> {
                ctx.tool(List.of(g.tokenTool(), "--sig", sig.toString(), "--output", token.toString()), ws);
                if (!Files.isRegularFile(token)) throw CarrierException.failed(g.tokenTool() + " did not write " + token.getFileName(), null);
                return null;
            });
        }
        ctx.step("place-instance", () -> ctx.place(ws, List.of(manifest.getFileName().toString(),
                signedManifest.getFileName().toString(), sig.getFileName().toString(), token.getFileName().toString()), cwd));
        ctx.step("rewrite-config", () -> {
            ctx.setEnv(enclaveEnv);
            return null;
        });
        return new CarrierResult(CarrierKind.GRAPHENE, enclaveEnv, cwd);
    }

    /** The manifest's base name: the entry point's file name, made safe for a file name. */
    static String appName(String arg0) {
        String base = arg0.substring(arg0.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        return base.isEmpty() || base.startsWith(".") ? "app" + base : base;
    }

    private static List<String> split(String v) {
        List<String> out = new ArrayList<>();
        if (v == null) return out;
        for (String s : v.split(":")) {
            if (!s.isBlank()) out.add(s.strip());
        }
        return out;
    }
}
