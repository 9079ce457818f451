package io.rune.shim.frame;

import java.time.Duration;

/**
 * What {@code start} takes from the runtime options (and the node's shim configuration).
 *
 * @param shimCgroup cgroup (relative to the hierarchy roots) to place the daemon in; empty: stay where start is
 * @param scope      which containers the daemon serves
 * @param linger     namespace scope: how long a daemon with no container left waits for the next one;
 *                   group scope: how long a spare daemon waits for a group to serve
 * @param spare      group scope: keep a started spare daemon that the next group's {@code start} adopts
 *                   (no JVM start on containerd's path); ShimSpare = false turns it off
 */
public record StartOptions(String shimCgroup, ShimScope scope, Duration linger, boolean spare) {
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(30);
    public static final StartOptions DEFAULTS = new StartOptions("");

    public StartOptions {
        if (shimCgroup == null) shimCgroup = "";
        if (scope == null) scope = ShimScope.GROUP;
        if (linger == null || linger.isNegative()) linger = DEFAULT_LINGER;
    }

    public StartOptions(String shimCgroup) {
        this(shimCgroup, ShimScope.GROUP, DEFAULT_LINGER, true);
    }

    public StartOptions(String shimCgroup, ShimScope scope, Duration linger) {
        this(shimCgroup, scope, linger, true);
    }

    /** A Go-style duration: "30s", "1500ms", "2m", "1h", or plain seconds "30". */
    public static Duration parseDuration(String text) {
        String t = text.trim();
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            if (t.endsWith("s")) return Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            if (t.endsWith("m")) return Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            if (t.endsWith("h")) return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            return Duration.ofSeconds(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a duration (e.g. \"30s\", \"500ms\", \"2m\"): \"" + text + "\"");
        }
    }
}
