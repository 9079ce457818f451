package io.rune.shim.sys;

import static io.rune.shim.sys.Native.ADDR;
import static io.rune.shim.sys.Native.INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Starts children with posix_spawn(3): safe in a multi-threaded JVM (no fork of the JVM),
 * reports exec failures (ENOENT, EACCES) as errors of the call, resets the signal mask and
 * dispositions the JVM installed, and closes every fd from 3 up that was not asked for.
 */
public final class Spawner {
    private static final short POSIX_SPAWN_SETPGROUP = 0x02, POSIX_SPAWN_SETSIGDEF = 0x04,
            POSIX_SPAWN_SETSIGMASK = 0x08, POSIX_SPAWN_SETSID = 0x80;
    // glibc x86_64/aarch64: posix_spawnattr_t 336 bytes, file_actions 80, sigset_t 128; allocate with room.
    private static final long ATTR_SIZE = 512, ACTIONS_SIZE = 256, SIGSET_SIZE = 256;

    private static final Native.Fn FA_INIT = Native.lazy("posix_spawn_file_actions_init", FunctionDescriptor.of(INT, ADDR));
    private static final Native.Fn FA_DESTROY = Native.lazy("posix_spawn_file_actions_destroy", FunctionDescriptor.of(INT, ADDR));
    private static final Native.Fn FA_DUP2 = Native.lazy("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(INT, ADDR, INT, INT));
    private static final Native.Fn FA_OPEN = Native.lazy("posix_spawn_file_actions_addopen", FunctionDescriptor.of(INT, ADDR, INT, ADDR, INT, INT));
    private static final Native.Fn FA_CHDIR = Native.lazy("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(INT, ADDR, ADDR));
    private static final Native.Fn FA_CLOSEFROM = Native.lazy("posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(INT, ADDR, INT));
    private static final Native.Fn AT_INIT = Native.lazy("posix_spawnattr_init", FunctionDescriptor.of(INT, ADDR));
    private static final Native.Fn AT_DESTROY = Native.lazy("posix_spawnattr_destroy", FunctionDescriptor.of(INT, ADDR));
    private static final Native.Fn AT_FLAGS = Native.lazy("posix_spawnattr_setflags", FunctionDescriptor.of(INT, ADDR, ValueLayout.JAVA_SHORT));
    private static final Native.Fn AT_PGROUP = Native.lazy("posix_spawnattr_setpgroup", FunctionDescriptor.of(INT, ADDR, INT));
    private static final Native.Fn AT_SIGMASK = Native.lazy("posix_spawnattr_setsigmask", FunctionDescriptor.of(INT, ADDR, ADDR));
    private static final Native.Fn AT_SIGDEF = Native.lazy("posix_spawnattr_setsigdefault", FunctionDescriptor.of(INT, ADDR, ADDR));
    private static final Native.Fn SIGEMPTY = Native.lazy("sigemptyset", FunctionDescriptor.of(INT, ADDR));
    private static final Native.Fn SIGFILL = Native.lazy("sigfillset", FunctionDescriptor.of(INT, ADDR));
    private static final Native.Fn SPAWN = Native.lazy("posix_spawn", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR));
    private static final Native.Fn SPAWNP = Native.lazy("posix_spawnp", FunctionDescriptor.of(INT, ADDR, ADDR, ADDR, ADDR, ADDR, ADDR));

    private Spawner() {}

    /** Spawns the child and returns its pid. The caller owns reaping it. */
    public static int spawn(SpawnRequest req) throws SysException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fa = a.allocate(ACTIONS_SIZE, 16);
            MemorySegment attr = a.allocate(ATTR_SIZE, 16);
            Native.callReturningErrno("posix_spawn_file_actions_init", null, () -> (int) FA_INIT.get().invokeExact(fa));
            try {
                Native.callReturningErrno("posix_spawnattr_init", null, () -> (int) AT_INIT.get().invokeExact(attr));
                try {
                    fileActions(a, fa, req);
                    attributes(a, attr, req);
                    MemorySegment argv = cStrings(a, req.argv());
                    MemorySegment envp = cStrings(a, req.env());
                    MemorySegment pid = a.allocate(INT);
                    String file = req.argv().getFirst();
                    MemorySegment path = a.allocateFrom(file);
                    if (file.contains("/")) {
                        Native.callReturningErrno("posix_spawn", file,
                                () -> (int) SPAWN.get().invokeExact(pid, path, fa, attr, argv, envp));
                    } else {
                        Native.callReturningErrno("posix_spawn", file,
                                () -> (int) SPAWNP.get().invokeExact(pid, path, fa, attr, argv, envp));
                    }
                    return pid.get(INT, 0);
                } finally {
                    Native.invoke(() -> (int) AT_DESTROY.get().invokeExact(attr));
                }
            } finally {
                Native.invoke(() -> (int) FA_DESTROY.get().invokeExact(fa));
            }
        }
    }

    /** The requested fds, then: every higher fd closed, and the working directory. */
    private static void fileActions(Arena a, MemorySegment fa, SpawnRequest req) throws SysException {
        for (FdAction act : req.fds()) {
            switch (act) {
                case FdAction.Dup d -> Native.callReturningErrno("posix_spawn_file_actions_adddup2",
                        d.source() + " -> " + d.target(),
                        () -> (int) FA_DUP2.get().invokeExact(fa, d.source(), d.target()));
                case FdAction.Open o -> {
                    MemorySegment path = a.allocateFrom(o.path());
                    Native.callReturningErrno("posix_spawn_file_actions_addopen", o.path(),
                            () -> (int) FA_OPEN.get().invokeExact(fa, o.target(), path, o.flags(), o.mode()));
                }
            }
        }
        int highest = req.fds().stream().mapToInt(f -> switch (f) {
            case FdAction.Dup d -> d.target();
            case FdAction.Open o -> o.target();
        }).max().orElse(2);
        int lowestClosed = Math.max(3, highest + 1);
        Native.callReturningErrno("posix_spawn_file_actions_addclosefrom_np", null,
                () -> (int) FA_CLOSEFROM.get().invokeExact(fa, lowestClosed));
        if (req.cwd() != null) {
            MemorySegment cwd = a.allocateFrom(req.cwd());
            Native.callReturningErrno("posix_spawn_file_actions_addchdir_np", req.cwd(),
                    () -> (int) FA_CHDIR.get().invokeExact(fa, cwd));
        }
    }

    /** Session or process group, an empty signal mask, and default dispositions for every signal. */
    private static void attributes(Arena a, MemorySegment attr, SpawnRequest req) throws SysException {
        short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
        if (req.newSession()) flags |= POSIX_SPAWN_SETSID;
        else if (req.newProcessGroup()) flags |= POSIX_SPAWN_SETPGROUP;
        short chosen = flags;
        Native.callReturningErrno("posix_spawnattr_setflags", null, () -> (int) AT_FLAGS.get().invokeExact(attr, chosen));
        if (req.newProcessGroup() && !req.newSession()) {
            Native.callReturningErrno("posix_spawnattr_setpgroup", null, () -> (int) AT_PGROUP.get().invokeExact(attr, 0));
        }
        MemorySegment empty = a.allocate(SIGSET_SIZE, 8);
        MemorySegment all = a.allocate(SIGSET_SIZE, 8);
        Native.callReturningErrno("sigemptyset", null, () -> (int) SIGEMPTY.get().invokeExact(empty));
        Native.callReturningErrno("sigfillset", null, () -> (int) SIGFILL.get().invokeExact(all));
        Native.callReturningErrno("posix_spawnattr_setsigmask", null, () -> (int) AT_SIGMASK.get().invokeExact(attr, empty));
        Native.callReturningErrno("posix_spawnattr_setsigdefault", null, () -> (int) AT_SIGDEF.get().invokeExact(attr, all));
    }

    private static MemorySegment cStrings(Arena a, List<String> strings) {
        MemorySegment arr = a.allocate(ValueLayout.ADDRESS, strings.size() + 1);
        for (int i = 0; i < strings.size(); i++) arr.setAtIndex(ValueLayout.ADDRESS, i, a.allocateFrom(strings.get(i)));
        arr.setAtIndex(ValueLayout.ADDRESS, strings.size(), MemorySegment.NULL);
        return arr;
    }

    /** Links the downcalls of spawning now (on a helper thread at start-up) instead of on first use. */
    public static void prelink() {
        FA_INIT.get();
        FA_DESTROY.get();
        FA_DUP2.get();
        FA_OPEN.get();
        FA_CHDIR.get();
        FA_CLOSEFROM.get();
        AT_INIT.get();
        AT_DESTROY.get();
        AT_FLAGS.get();
        AT_PGROUP.get();
        AT_SIGMASK.get();
        AT_SIGDEF.get();
        SIGEMPTY.get();
        SIGFILL.get();
        SPAWN.get();
        SPAWNP.get();
    }
}
