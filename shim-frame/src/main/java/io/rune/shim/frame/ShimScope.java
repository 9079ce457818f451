package io.rune.shim.frame;

import java.util.Locale;

/**
 * Which containers one daemon serves: those of a group (one container, or a pod: the Go shim's
 * model), or every container of a containerd address and namespace.
 */
public enum ShimScope {
    GROUP, NAMESPACE;

    /** "group" or "namespace" (any case); empty means group. */
    public static ShimScope parse(String value) {
        return switch (value == null ? "" : value.trim().toLowerCase(Locale.ROOT)) {
            case "", "group" -> GROUP;
            case "namespace" -> NAMESPACE;
            default -> throw new IllegalArgumentException("ShimScope must be \"group\" or \"namespace\", not \"" + value + "\"");
        };
    }

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
