package io.rune.shim.task;

import io.rune.shim.api.Code;
import io.rune.shim.carrier.Carrier;
import io.rune.shim.carrier.CarrierException;
import io.rune.shim.carrier.CarrierKind;
import io.rune.shim.carrier.CarrierRequest;
import io.rune.shim.carrier.CommandRunner;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Create's carrier step: the container's RUNE_CARRIER decides whether an enclave is built before rune create. */
final class EnclaveStep {
    private static final Logger LOG = LoggerFactory.getLogger(EnclaveStep.class);
    private final CommandRunner tools;

    EnclaveStep(CommandRunner tools) {
        this.tools = tools;
    }

    /** The kind of carrier, from the container's env; an unknown one is refused here, before anything is mounted. */
    CarrierKind kind(Bundle bundle) {
        try {
            return Carrier.kindOfEnv(bundle.processEnv());
        } catch (CarrierException e) {
            throw error(e);
        }
    }

    /** Builds and signs the enclave inside the bundle (rootfs mounted by the caller). */
    void prepare(String id, Bundle bundle, CarrierKind kind, RuntimeOptions opts) throws InterruptedException {
        if (kind == CarrierKind.NONE) return;
        Path config = opts.carrierConfig().isEmpty() ? null : Path.of(opts.carrierConfig());
        try {
            var result = Carrier.prepare(new CarrierRequest(id, bundle.dir(), config, null, tools));
            LOG.info("id={} call=Create carrier={} enclave env={}", id, result.kind(), result.enclaveEnv().keySet());
        } catch (CarrierException e) {
            throw error(e);
        }
    }

    private static ShimError error(CarrierException e) {
        Code code = switch (e.reason()) {
            case INVALID_ARGUMENT -> Code.INVALID_ARGUMENT;
            case FAILED_PRECONDITION -> Code.FAILED_PRECONDITION;
            default -> Code.UNKNOWN;
        };
        return new ShimError(code, e.getMessage(), e);
    }
}
