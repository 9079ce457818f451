package io.rune.shim.sys;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Rewrites this process's command line as {@code /proc/<pid>/cmdline} and ps show it, in the
 * place the kernel keeps it (the bytes between arg_start and arg_end of /proc/self/stat), the way
 * setproctitle(3) does. The new arguments must fit there; the rest is filled with NULs. Pure file
 * I/O on /proc/self/mem: no capability needed (moving the area with prctl(PR_SET_MM) would need
 * CAP_SYS_RESOURCE, which containers and sandboxes often drop).
 */
public final class ProcessTitle {
    /** Fields 48 and 49 of /proc/self/stat, counted after the command name's closing parenthesis. */
    private static final int ARG_START_FIELD = 48, ARG_END_FIELD = 49, FIRST_FIELD_AFTER_COMM = 3;

    private ProcessTitle() {}

    public static void set(List<String> argv) throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        long start = Long.parseLong(f[ARG_START_FIELD - FIRST_FIELD_AFTER_COMM]);
        long end = Long.parseLong(f[ARG_END_FIELD - FIRST_FIELD_AFTER_COMM]);
        byte[] area = encode(argv, end - start);
        try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "rw")) {
            mem.seek(start);
            mem.write(area);
        }
    }

    /** argv NUL-terminated, padded with NULs to {@code capacity} bytes. */
    static byte[] encode(List<String> argv, long capacity) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String a : argv) {
            b.writeBytes(a.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        if (b.size() > capacity) {
            throw new IOException("command line of " + b.size() + " bytes does not fit the " + capacity + " the process started with");
        }
        byte[] area = new byte[(int) capacity];
        System.arraycopy(b.toByteArray(), 0, area, 0, b.size());
        return area;
    }
}
