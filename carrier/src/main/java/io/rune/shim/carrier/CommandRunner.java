package io.rune.shim.carrier;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Runs one tool to completion: the seam between the pipelines and process spawning. */
public interface CommandRunner {
    /**
     * @param argv    argv[0] is an absolute path (tool paths come from config.toml)
     * @param env     variables set on top of the runner's base environment
     * @param cwd     working directory, null = the runner's
     * @param stdin   bytes fed to stdin, null = /dev/null
     * @param timeout the child (and its process group) is killed after this long
     */
    record Command(List<String> argv, Map<String, String> env, Path cwd, byte[] stdin, Duration timeout) {
        public Command {
            if (argv.isEmpty()) throw new IllegalArgumentException("empty argv");
            argv = List.copyOf(argv);
            env = Map.copyOf(env);
        }

        public Command(List<String> argv, Path cwd, Duration timeout) {
            this(argv, Map.of(), cwd, null, timeout);
        }
    }

    /** Exit code as a shell reports it (128 + signal when killed); {@code timedOut} when we killed it. */
    record Result(int exitCode, byte[] stdout, byte[] stderr, boolean timedOut) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String stderrText() {
            return new String(stderr, StandardCharsets.UTF_8);
        }
    }

    /** Throws IOException only when the command could not be started at all (e.g. ENOENT). */
    Result run(Command command) throws IOException, InterruptedException;
}
