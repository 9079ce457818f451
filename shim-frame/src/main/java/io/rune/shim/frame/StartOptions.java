package io.rune.shim.frame;

/**
 * What {@code start} takes from the runtime options.
 *
 * @param shimCgroup cgroup (relative to the hierarchy roots) to place the daemon in; empty: stay where start is
 */
public record StartOptions(String shimCgroup) {
    public static final StartOptions DEFAULTS = new StartOptions("");

    public StartOptions {
        if (shimCgroup == null) shimCgroup = "";
    }
}
