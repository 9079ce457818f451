package io.rune.shim.frame;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One process to run through {@link ReaperCommands}. Start from {@link #of} and narrow it down:
 * {@code Command.of(argv).withInput(json).withTimeout(Duration.ofMinutes(1)).inOwnProcessGroup()}.
 *
 * @param argv            argv[0] is a path, or a name looked up on the child's PATH
 * @param env             variables set on top of the base environment (or alone, see inheritEnv)
 * @param inheritEnv      start from the runner's base environment (the shim's, minus NOTIFY_SOCKET)
 * @param cwd             working directory, null: the shim's
 * @param stdio           captured output, or fds handed over
 * @param timeout         null: none; else the child (its process group, if it has its own) is
 *                        killed after this long
 * @param ownProcessGroup the child leads a process group of its own, so that a timeout ends what it started
 */
public record Command(List<String> argv, Map<String, String> env, boolean inheritEnv, Path cwd, Stdio stdio,
                      Duration timeout, boolean ownProcessGroup) {
    public Command {
        if (argv.isEmpty()) throw new IllegalArgumentException("empty argv");
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
        if (stdio == null) throw new IllegalArgumentException("no stdio");
    }

    /** What the child's stdin, stdout and stderr are. */
    public sealed interface Stdio {
        /** stdin fed from {@code input} (null: /dev/null); stdout and stderr captured into the result. */
        record Capture(byte[] input) implements Stdio {}

        /**
         * The child's fds, target fd to our fd, set up in target order; our fd -1 and any of 0..2 not
         * named are /dev/null. Nothing is captured.
         */
        record Fds(SortedMap<Integer, Integer> fds) implements Stdio {
            public Fds {
                fds = new TreeMap<>(fds);
            }
        }
    }

    /** The shim's environment, no stdin, output captured, no timeout, the shim's process group. */
    public static Command of(List<String> argv) {
        return new Command(argv, Map.of(), true, null, new Stdio.Capture(null), null, false);
    }

    public static Command of(String... argv) {
        return of(List.of(argv));
    }

    /** Adds variables to the base environment. */
    public Command withEnv(Map<String, String> extra) {
        return new Command(argv, extra, inheritEnv, cwd, stdio, timeout, ownProcessGroup);
    }

    /** Only these variables: nothing of the shim's environment. */
    public Command withOnlyEnv(Map<String, String> only) {
        return new Command(argv, only, false, cwd, stdio, timeout, ownProcessGroup);
    }

    public Command withCwd(Path dir) {
        return new Command(argv, env, inheritEnv, dir, stdio, timeout, ownProcessGroup);
    }

    /** Captures output and feeds {@code input} (null: /dev/null) to stdin. */
    public Command withInput(byte[] input) {
        return new Command(argv, env, inheritEnv, cwd, new Stdio.Capture(input), timeout, ownProcessGroup);
    }

    /** Hands our fds over as the child's 0, 1 and 2 (-1: /dev/null). */
    public Command withStdio(int stdin, int stdout, int stderr) {
        return withFds(Map.of(0, stdin, 1, stdout, 2, stderr));
    }

    /** Hands our fds over as the child's fds (target to ours). */
    public Command withFds(Map<Integer, Integer> fds) {
        return new Command(argv, env, inheritEnv, cwd, new Stdio.Fds(new TreeMap<>(fds)), timeout, ownProcessGroup);
    }

    public Command withTimeout(Duration d) {
        return new Command(argv, env, inheritEnv, cwd, stdio, d, ownProcessGroup);
    }

    public Command inOwnProcessGroup() {
        return new Command(argv, env, inheritEnv, cwd, stdio, timeout, true);
    }
}
