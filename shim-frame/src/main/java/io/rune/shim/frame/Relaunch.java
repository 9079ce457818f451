package io.rune.shim.frame;

/**
 * How {@code start} runs this program again as the daemon: the launcher an installation exports in
 * {@code launcherVariable} (a script that sets up the JVM), else the running JVM's own command line
 * with {@code mainClass}.
 */
public record Relaunch(String launcherVariable, String mainClass) {}
