package io.rune.shim.carrier;

/** One carrier kind's work, in two phases so bad input fails before anything is mounted. */
interface Pipeline {
    /** Reads config and checks the spec; touches nothing. */
    void validate(Ctx ctx) throws CarrierException, InterruptedException;

    /** Builds, signs and places the enclave, rewrites config.json; the rootfs is mounted. */
    CarrierResult build(Ctx ctx) throws CarrierException, InterruptedException;
}
