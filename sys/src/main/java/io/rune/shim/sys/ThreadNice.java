package io.rune.shim.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The nice value of this process's threads. Linux keeps it per thread (setpriority(2) with
 * PRIO_PROCESS and a thread id), and a thread inherits its creator's: a process started niced has
 * every JVM thread niced, so setting it back means setting each thread's.
 */
public final class ThreadNice {
    private static final int PRIO_PROCESS = 0;
    /** Field 19 of /proc/<pid>/stat, counted after the command name's closing parenthesis (field 3). */
    private static final int NICE_FIELD = 19, FIRST_FIELD_AFTER_COMM = 3;
    private static final Native.Fn SETPRIORITY = Native.lazyErrno("setpriority",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));

    private ThreadNice() {}

    /**
     * Sets every current thread of this process to {@code nice}. Twice over the thread list, so that
     * a thread created by a thread not yet reset during the first pass is caught by the second.
     * Lowering the value needs CAP_SYS_NICE; threads that are gone meanwhile are skipped.
     */
    public static void setAll(int nice) throws IOException {
        for (int pass = 0; pass < 2; pass++) {
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path t : tasks) {
                    int tid = Integer.parseInt(t.getFileName().toString());
                    try {
                        set(tid, nice);
                    } catch (SysException e) {
                        if (e.errno() != Errno.ESRCH) throw e;
                    }
                }
            }
        }
    }

    /** The calling thread's nice value (field 19 of /proc/thread-self/stat). */
    public static int current() throws IOException {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(f[NICE_FIELD - FIRST_FIELD_AFTER_COMM]);
    }

    /** One thread's nice value. */
    public static void set(int tid, int nice) throws SysException {
        Native.call("setpriority", "thread " + tid, st -> (int) SETPRIORITY.get().invokeExact(st, PRIO_PROCESS, tid, nice));
    }
}
