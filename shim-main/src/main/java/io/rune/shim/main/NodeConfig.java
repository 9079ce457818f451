package io.rune.shim.main;

import io.rune.shim.task.OptionsDecoder;
import io.rune.shim.task.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * The node-wide shim configuration, {@code /etc/containerd-shim-rune-v2/config.toml} (another path
 * with {@code CONTAINERD_SHIM_RUNE_CONFIG}): the same keys as a runtime options file; the shim
 * takes {@code ShimScope} and {@code ShimLinger} from it where the runtime's options set none.
 */
final class NodeConfig {
    static final String PATH_VARIABLE = "CONTAINERD_SHIM_RUNE_CONFIG";
    static final Path DEFAULT_PATH = Path.of("/etc/containerd-shim-rune-v2/config.toml");

    private NodeConfig() {}

    /** The file in force: CONTAINERD_SHIM_RUNE_CONFIG, else the default path. */
    static Path path() {
        String env = System.getenv(PATH_VARIABLE);
        return env == null || env.isEmpty() ? DEFAULT_PATH : Path.of(env);
    }

    /** The options the file sets; defaults when it does not exist. */
    static RuntimeOptions load(Path p) throws IOException {
        String text;
        try {
            text = Files.readString(p);
        } catch (NoSuchFileException e) {
            return RuntimeOptions.DEFAULTS;
        }
        return OptionsDecoder.fromToml(text, p.toString());
    }
}
