package io.rune.shim.e2e;

import io.rune.shim.testsupport.CmdResult;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one {@code ctr} call reported, made comparable across runtimes: exit code (-1 = timed out),
 * stdout and stderr with the run-specific parts replaced (container/exec ids by the placeholders
 * given, the private containerd's base dir by {@code <base>}, FIFO dir numbers by {@code <n>},
 * logrus {@code time="..."} by {@code time=<t>}, carriage returns dropped).
 */
public record Outcome(int exit, String stdout, String stderr) {

    /** Placeholders for run-specific strings, applied longest first. */
    public static final class Norm {
        private final Map<String, String> subst = new LinkedHashMap<>();

        public Norm(PrivateContainerd ctd) {
            subst.put(ctd.base().toString(), "<base>");
        }

        public Norm put(String value, String placeholder) {
            subst.put(value, placeholder);
            return this;
        }

        public String apply(String s) {
            List<Map.Entry<String, String>> es = new ArrayList<>(subst.entrySet());
            es.sort(Comparator.comparingInt((Map.Entry<String, String> e) -> e.getKey().length()).reversed());
            String out = s.replace("\r", "");
            for (Map.Entry<String, String> e : es) {
                out = out.replace(e.getKey(), e.getValue());
            }
            return out.replaceAll("time=\"[^\"]*\"", "time=<t>").replaceAll("/fifo/\\d+/", "/fifo/<n>/");
        }
    }

    public static Outcome of(CmdResult r, Norm n) {
        return new Outcome(r.timedOut() ? -1 : r.exitCode(), n.apply(r.stdout()), n.apply(r.stderr()));
    }

    public boolean ok() {
        return exit == 0;
    }

    @Override
    public String toString() {
        return "exit " + exit + (stdout.isBlank() ? "" : " stdout=" + stdout.strip().replace("\n", "\\n"))
                + (stderr.isBlank() ? "" : " stderr=" + stderr.strip().replace("\n", "\\n"));
    }
}
