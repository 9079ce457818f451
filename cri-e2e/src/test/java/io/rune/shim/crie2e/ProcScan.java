package io.rune.shim.crie2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Shim processes found by argv in /proc. */
final class ProcScan {
    private ProcScan() {}

    /** A live process and its argv. */
    record Proc(long pid, List<String> argv) {
        String flag(String name) {
            return ProcScan.flag(argv, name);
        }

        @Override
        public String toString() {
            return pid + " " + String.join(" ", argv.subList(Math.max(0, argv.size() - 8), argv.size()));
        }
    }

    /** Every process with a readable, non-empty cmdline (zombies and kernel threads have none). */
    static List<Proc> all() {
        List<Proc> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path p : ds) {
                try {
                    byte[] raw = Files.readAllBytes(p.resolve("cmdline"));
                    if (raw.length == 0) {
                        continue;
                    }
                    String s = new String(raw, StandardCharsets.UTF_8);
                    if (s.endsWith("\0")) {
                        s = s.substring(0, s.length() - 1);
                    }
                    out.add(new Proc(Long.parseLong(p.getFileName().toString()), Arrays.asList(s.split("\0", -1))));
                } catch (IOException | RuntimeException ignored) {
                    // vanished while reading
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return out;
    }

    /** Value of a Go-style flag ({@code -name v}, {@code --name v}, {@code -name=v}) in argv, or null. */
    static String flag(List<String> argv, String name) {
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if ((a.equals("-" + name) || a.equals("--" + name)) && i + 1 < argv.size()) {
                return argv.get(i + 1);
            }
            if (a.startsWith("-" + name + "=")) {
                return a.substring(name.length() + 2);
            }
        }
        return null;
    }

    /** Every shim process (start, daemon or delete) of the containerd at this socket: {@code -address <sock>} and some {@code -id}. */
    static List<Proc> shims(Path address) {
        return all().stream().filter(p -> address.toString().equals(p.flag("address")) && p.flag("id") != null).toList();
    }

    /** Shim processes of that containerd for one id ({@code -id <id>}). */
    static List<Proc> shims(Path address, String id) {
        return shims(address).stream().filter(p -> id.equals(p.flag("id"))).toList();
    }
}
