package io.rune.shim.carrier;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enclave preparation step that runs before {@code rune create}: decides the carrier from
 * {@code RUNE_CARRIER} in the bundle's config.json and, for Occlum and Graphene, builds and signs
 * the enclave into the rootfs and points rune at it through the {@code ENCLAVE_*} env.
 *
 * <p>All or nothing: when {@link #prepare} throws, config.json has its original bytes, nothing
 * was left in the rootfs or the workspace, and a rootfs mounted through {@link RootfsMount} is
 * unmounted again.
 */
public final class Carrier {
    private static final Logger LOG = LoggerFactory.getLogger(Carrier.class);

    private Carrier() {}

    /**
     * The carrier named by {@code RUNE_CARRIER} in {@code <bundle>/config.json}. Cheap, touches
     * nothing: call it before mounting the rootfs so a bad value fails Create early.
     *
     * @throws CarrierException INVALID_ARGUMENT for an unknown value (the message names it and the
     *                          accepted ones) or an unreadable config.json
     */
    public static CarrierKind kindOf(Path bundle) throws CarrierException {
        return kindOfEnv(BundleSpec.read(bundle).envList());
    }

    /** The carrier named by {@code RUNE_CARRIER} in a process env ("K=V" entries). */
    public static CarrierKind kindOfEnv(List<String> env) throws CarrierException {
        return CarrierKind.parse(BundleSpec.envMap(env).get(CarrierKind.ENV));
    }

    /**
     * Runs the carrier step for the bundle. For {@link CarrierKind#NONE} it returns at once
     * without reading config.toml.
     */
    public static CarrierResult prepare(CarrierRequest req) throws CarrierException, InterruptedException {
        long t0 = System.nanoTime();
        BundleSpec spec = BundleSpec.read(req.bundle());
        CarrierKind kind = kindOfEnv(spec.envList());
        if (kind == CarrierKind.NONE) return CarrierResult.none();
        Pipeline pipeline = switch (kind) {
            case SKELETON -> new SkeletonPipeline();
            case OCCLUM -> new OcclumPipeline();
            case GRAPHENE -> new GraphenePipeline();
            case NONE -> throw new IllegalStateException();
        };
        Ctx ctx = new Ctx(req, kind, spec);
        boolean mounted = false;
        try {
            pipeline.validate(ctx);
            RootfsMount m = req.rootfsMount();
            if (m != null) {
                ctx.step("mount-rootfs", () -> {
                    m.mount();
                    return null;
                });
                mounted = true;
            }
            CarrierResult result = pipeline.build(ctx);
            ctx.commit();
            if (mounted) {
                ctx.step("unmount-rootfs", () -> {
                    m.unmount();
                    return null;
                });
                mounted = false;
            }
            LOG.info("id={} carrier={} prepared env={} instance={} took={}ms", req.containerId(), kind.value(),
                    result.enclaveEnv(), result.instancePath(), (System.nanoTime() - t0) / 1_000_000);
            return result;
        } catch (CarrierException | InterruptedException | RuntimeException e) {
            ctx.rollback();
            if (mounted) {
                try {
                    req.rootfsMount().unmount();
                } catch (IOException | RuntimeException ue) {
                    LOG.error("id={} carrier={} unmount after failure: {}", req.containerId(), kind.value(), ue.getMessage());
                }
            }
            if (e instanceof RuntimeException re) {
                throw CarrierException.failed(kind.value() + " carrier failed: " + re, re);
            }
            throw e;
        } finally {
            ctx.removeWorkspace();
        }
    }
}
