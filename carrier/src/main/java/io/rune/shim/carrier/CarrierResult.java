package io.rune.shim.carrier;

import java.util.Map;

/**
 * What the step did.
 *
 * @param kind         the carrier
 * @param enclaveEnv   the ENCLAVE_* variables rune will see (set by the shim for occlum/graphene,
 *                     the user's own for skeleton; empty for none)
 * @param instancePath where the enclave files were placed, as a path inside the container (null
 *                     when nothing was placed)
 */
public record CarrierResult(CarrierKind kind, Map<String, String> enclaveEnv, String instancePath) {
    public CarrierResult {
        enclaveEnv = Map.copyOf(enclaveEnv);
    }

    static CarrierResult none() {
        return new CarrierResult(CarrierKind.NONE, Map.of(), null);
    }
}
