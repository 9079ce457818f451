package io.rune.shim.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How containerd reaches the shim of a task, as the task's bundle records it (docs/protocol.md §1.5,
 * §1.9): containerd 2.x keeps the start answer in {@code bootstrap.json} (version 3 for a shim that
 * serves {@code containerd.task.v3.Task}); under 1.x the shim's {@code address} file holds the bare
 * address (version 2, {@code containerd.task.v2.Task}).
 *
 * @param address {@code unix://<socket>}
 * @param version the bootstrap version: 2 or 3
 */
public record ShimEndpoint(String address, int version) {
    private static final Pattern ADDRESS = Pattern.compile("\"address\"\\s*:\\s*\"([^\"]*)\"");
    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*(\\d+)");

    public static ShimEndpoint of(Path bundle) throws IOException {
        Path bootstrap = bundle.resolve("bootstrap.json");
        if (Files.exists(bootstrap)) {
            String json = Files.readString(bootstrap);
            Matcher a = ADDRESS.matcher(json);
            Matcher v = VERSION.matcher(json);
            if (!a.find() || !v.find()) throw new IOException("unexpected " + bootstrap + ": " + json);
            return new ShimEndpoint(a.group(1), Integer.parseInt(v.group(1)));
        }
        return new ShimEndpoint(Files.readString(bundle.resolve("address")).strip(), 2);
    }

    /** The socket's path (the address without {@code unix://}). */
    public Path socket() {
        return Path.of(address.replaceFirst("^unix://", ""));
    }

    /** The Task service name containerd calls on this shim. */
    public String taskService() {
        return version >= 3 ? "containerd.task.v3.Task" : "containerd.task.v2.Task";
    }
}
