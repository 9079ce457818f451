package io.rune.shim.sys;

import java.util.List;

/**
 * A child to start: argv (argv[0] is a path or a name looked up on PATH of env), the full
 * environment, working directory (null = ours), fd set-up, and process-group placement.
 * Every fd not set up by {@code fds} (from 3 up) is closed in the child.
 */
public record SpawnRequest(List<String> argv, List<String> env, String cwd, List<FdAction> fds,
                           boolean newProcessGroup, boolean newSession) {
    public SpawnRequest {
        if (argv.isEmpty()) throw new IllegalArgumentException("empty argv");
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        fds = List.copyOf(fds);
    }
}
