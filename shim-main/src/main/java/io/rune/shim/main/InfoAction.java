package io.rune.shim.main;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.rune.shim.api.types.RuntimeInfo;
import io.rune.shim.api.types.RuntimeVersion;
import io.rune.shim.task.RuntimeOptions;
import io.rune.shim.frame.Command;
import io.rune.shim.frame.CommandResult;
import io.rune.shim.frame.ReaperCommands;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code -info} (containerd 2.x, docs/protocol.md §1.11): the runtime's name and version, the options
 * asked about (as received, once they decoded), and the features of the rune binary those options
 * name, as the Go runc shim reports runc's: {@code <binary> features} JSON in an Any of type
 * {@value #FEATURES_TYPE}. containerd reads the features before creating a container with idmapped
 * mounts. A binary without a {@code features} command leaves the features out; a binary that cannot
 * be found fails the action: both as with the Go shim.
 */
final class InfoAction {
    static final String FEATURES_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/features/Features";
    private static final Duration FEATURES_TIMEOUT = Duration.ofSeconds(10);
    private final byte[] options;

    /** @param options what containerd wrote to stdin: a protobuf Any of runtime options, or nothing */
    InfoAction(byte[] options) {
        this.options = options;
    }

    byte[] run() throws IOException, InterruptedException {
        RuntimeOptions opts = options.length == 0 ? RuntimeOptions.DEFAULTS : RuneTaskService.options(options);
        RuntimeInfo.Builder info = RuntimeInfo.newBuilder().setName(RuneShim.RUNTIME)
                .setVersion(RuntimeVersion.newBuilder().setVersion(RuneShim.VERSION));
        if (options.length > 0) info.setOptions(Any.parseFrom(options));
        byte[] features = features(lookPath(opts.binaryOrDefault()));
        if (features != null) info.setFeatures(Any.newBuilder().setTypeUrl(FEATURES_TYPE).setValue(ByteString.copyFrom(features)));
        return info.build().toByteArray();
    }

    /** The binary as PATH finds it; a binary that is not there fails -info, as with the Go shim. */
    private static String lookPath(String binary) throws IOException {
        if (binary.contains("/")) {
            if (Files.isExecutable(Path.of(binary))) return binary;
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, binary);
                if (Files.isExecutable(p) && !Files.isDirectory(p)) return p.toString();
            }
        }
        throw new IOException("failed to look up the path of \"" + binary + "\": executable file not found in $PATH");
    }

    /** {@code <binary> features} on stdout, or null when it fails, hangs or is not JSON. */
    private static byte[] features(String binary) throws InterruptedException {
        try {
            // through the process's reaper, as every child of the shim (never java.lang.Process)
            CommandResult r = ReaperCommands.start().run(Command.of(binary, "features").withTimeout(FEATURES_TIMEOUT));
            byte[] json = r.stdout();
            return !r.timedOut() && r.status() == 0 && json.length > 0 && json[0] == '{' ? json : null;
        } catch (IOException e) {
            return null;
        }
    }
}
