package io.rune.shim.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads /proc: shim processes by argv, liveness of a pid (zombies count as gone), start times, open fds. */
public final class ProcScan {
    private ProcScan() {}

    /** A live process and its argv. */
    public record Proc(long pid, List<String> argv) {
        /** Value of a Go-style flag in this argv, or null (see {@link ProcScan#flag}). */
        public String flag(String name) {
            return ProcScan.flag(argv, name);
        }

        /** The pid and the last 8 arguments (a shim's flags, without the long binary path). */
        @Override
        public String toString() {
            return pid + " " + String.join(" ", argv.subList(Math.max(0, argv.size() - 8), argv.size()));
        }
    }

    /** Every non-zombie process with a readable, non-empty cmdline. */
    public static List<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : ds) {
                try {
                    byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
                    if (raw.length == 0) {
                        continue; // kernel thread or zombie
                    }
                    String s = new String(raw, StandardCharsets.UTF_8);
                    if (s.endsWith("\0")) {
                        s = s.substring(0, s.length() - 1);
                    }
                    out.add(new Proc(Long.parseLong(p.getFileName().toString()), Arrays.asList(s.split("\0", -1))));
                } catch (IOException | RuntimeException ignored) {
                    // process vanished while reading
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return out;
    }

    /** Value of a Go-style flag ({@code -name v}, {@code --name v}, {@code -name=v}, {@code --name=v}) in argv, or null. */
    public static String flag(List<String> argv, String name) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if ((a.equals("-" + name) || a.equals("--" + name)) && i + 1 < argv.size()) {
                return argv.get(i + 1);
            }
            if (a.startsWith("-" + name + "=")) {
                return a.substring(name.length() + 2);
            }
            if (a.startsWith("--" + name + "=")) {
                return a.substring(name.length() + 3);
            }
        }
        return null;
    }

    /** Every shim process (start, daemon or delete) of the containerd at this socket: {@code -address <sock>} and some {@code -id}. */
    public static List<Proc> shims(Path address) {
        return all().stream().filter(p -> address.toString().equals(p.flag("address")) && p.flag("id") != null).toList();
    }

    /** Shim processes of that containerd for one id ({@code -id <id>}). */
    public static List<Proc> shims(Path address, String id) {
        return shims(address).stream().filter(p -> id.equals(p.flag("id"))).toList();
    }

    /** The pids of {@link #shims(Path, String)}. */
    public static List<Long> shimPids(Path address, String id) {
        return shims(address, id).stream().map(Proc::pid).toList();
    }

    /** True when the pid exists and is not a zombie/dead. */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String state = stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
            return !state.equals("Z") && !state.equals("X");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Start time (clock ticks since boot, /proc/pid/stat field 22) to detect pid reuse; -1 if gone. */
    public static long startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The link targets of {@code /proc/<pid>/fd/*} (e.g. {@code anon_inode:[eventfd]}, {@code pipe:[123]}, a path); empty if gone. */
    public static List<String> fds(long pid) {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : ds) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException ignored) {
                    // closed while reading
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }
}
