package io.rune.shim.frame;

import io.rune.shim.api.task.DeleteResponse;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Answers a warm daemon (the namespace daemon or a spare) gives the launcher alike. */
final class ControlAnswers {
    private ControlAnswers() {}

    /** An action's failure, as the JVM would print it: {@code <runtime>: <message>}, exit status 1. */
    static ControlCodec.Response error(ShimManager manager, String message) {
        return ControlCodec.Response.of(1, new byte[0], manager.name() + ": " + message);
    }

    /** {@code delete} run in this daemon: the same code as the JVM's delete, warnings on stderr. */
    static ControlCodec.Response delete(ShimManager manager, Flags f, Path cwd) throws Exception {
        Path bundle = f.bundle().isEmpty() ? cwd : Path.of(f.bundle());
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        DeleteResponse resp;
        try (PrintStream w = new PrintStream(warnings, true, StandardCharsets.UTF_8)) {
            resp = manager.delete(f, bundle, w);
        }
        return new ControlCodec.Response(true, 0, resp.toByteArray(), warnings.toByteArray());
    }

    /** Whether the request is for this daemon's containerd address and namespace. */
    static boolean forDaemonOf(Flags request, Flags own) {
        return request.address().equals(own.address()) && request.namespace().equals(own.namespace());
    }
}
