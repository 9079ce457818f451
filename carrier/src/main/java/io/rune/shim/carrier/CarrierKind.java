package io.rune.shim.carrier;

import java.util.List;

/** The value of {@code RUNE_CARRIER} in the container's process env. */
public enum CarrierKind {
    /** {@code RUNE_CARRIER} absent or empty: a plain container, no step. */
    NONE(""),
    /** The user brings the enclave runtime; the shim only checks {@code ENCLAVE_RUNTIME_PATH}. */
    SKELETON("skeleton"),
    OCCLUM("occlum"),
    GRAPHENE("graphene");

    /** The env variable that selects the carrier. */
    public static final String ENV = "RUNE_CARRIER";

    private final String value;

    CarrierKind(String value) {
        this.value = value;
    }

    /** The {@code RUNE_CARRIER} value of this kind ("" for {@link #NONE}). */
    public String value() {
        return value;
    }

    /** Maps a {@code RUNE_CARRIER} value (null or empty = {@link #NONE}); anything unknown is InvalidArgument. */
    public static CarrierKind parse(String value) throws CarrierException {
        if (value == null || value.isEmpty()) return NONE;
        for (CarrierKind k : values()) {
            if (k != NONE && k.value.equals(value)) return k;
        }
        throw CarrierException.invalid("unsupported " + ENV + " \"" + value + "\": accepted values are "
                + String.join(", ", List.of("\"occlum\"", "\"graphene\"", "\"skeleton\""))
                + ", or unset/empty for no carrier");
    }
}
