package io.rune.shim.carrier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Skeleton: the user sets ENCLAVE_TYPE, ENCLAVE_RUNTIME_PATH and ENCLAVE_RUNTIME_ARGS; they pass
 * to rune untouched. The one check: an ENCLAVE_RUNTIME_PATH that exists neither on the host nor
 * in the container rootfs fails Create with a clear message, instead of an obscure rune error.
 */
final class SkeletonPipeline implements Pipeline {
    @Override
    public void validate(Ctx ctx) {}

    @Override
    public CarrierResult build(Ctx ctx) throws CarrierException, InterruptedException {
        Map<String, String> env = ctx.spec.env();
        Map<String, String> enclave = new LinkedHashMap<>();
        for (String k : new String[] {"ENCLAVE_TYPE", "ENCLAVE_RUNTIME_PATH", "ENCLAVE_RUNTIME_ARGS"}) {
            if (env.containsKey(k)) enclave.put(k, env.get(k));
        }
        String pal = env.getOrDefault("ENCLAVE_RUNTIME_PATH", "");
        if (!pal.isEmpty()) {
            ctx.step("check-enclave-runtime", () -> {
                boolean onHost = pal.startsWith("/") && Files.exists(Path.of(pal));
                String inContainer = pal.startsWith("/") ? pal : ctx.spec.cwd() + "/" + pal;
                boolean inRootfs = Files.exists(Trees.resolveIn(ctx.rootfs(), inContainer).hostPath());
                if (!onHost && !inRootfs) {
                    throw CarrierException.invalid("ENCLAVE_RUNTIME_PATH \"" + pal
                            + "\" does not exist (looked on the host and in the container rootfs)");
                }
                return null;
            });
        }
        return new CarrierResult(CarrierKind.SKELETON, enclave, null);
    }
}
