package io.rune.shim.task;

import io.rune.shim.runc.CommandResult;
import io.rune.shim.runc.Monitor;
import io.rune.shim.runc.RuneIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A rune CLI that behaves like runc for the task service's calls, without processes: create and
 * exec write pid files, state moves created → running → paused, errors go to the --log file as
 * runc writes them. Pids are made up; tests feed the exits.
 */
final class FakeRune implements Monitor {
    final List<List<String>> calls = new ArrayList<>();
    private final Map<String, String> states = new HashMap<>();
    private final Map<String, List<Integer>> pids = new HashMap<>();
    private final AtomicInteger nextPid = new AtomicInteger(700_000);
    /** Sub-commands that fail with this message (runc's words), e.g. "pause" → "…". */
    final Map<String, String> failing = new HashMap<>();
    /** When set, create blocks until it is counted down (to race two Creates). */
    volatile CountDownLatch createGate;

    @Override
    public CommandResult run(List<String> argv, byte[] input, RuneIo io) throws IOException, InterruptedException {
        CountDownLatch gate = createGate;
        if (gate != null && argv.contains("create")) gate.await();
        return runLocked(argv);
    }

    private synchronized CommandResult runLocked(List<String> argv) throws IOException {
        calls.add(List.copyOf(argv));
        String log = value(argv, "--log");
        int at = subcommandIndex(argv);
        String sub = argv.get(at);
        String id = argv.get(argv.size() - 1);
        if (failing.containsKey(sub)) return error(log, failing.get(sub));
        switch (sub) {
            case "create" -> {
                if (states.containsKey(id)) return error(log, "container with id exists: " + id);
                int pid = nextPid.incrementAndGet();
                Files.writeString(Path.of(value(argv, "--pid-file")), Integer.toString(pid));
                states.put(id, "created");
                pids.put(id, new ArrayList<>(List.of(pid)));
            }
            case "start" -> {
                if (!"created".equals(states.get(id))) return error(log, "cannot start a container that has stopped");
                states.put(id, "running");
            }
            case "pause" -> states.put(id, "paused");
            case "resume" -> states.put(id, "running");
            case "kill" -> {
                if (!states.containsKey(id)) return error(log, "container \"" + id + "\" does not exist");
                if ("stopped".equals(states.get(id))) return error(log, "container not running");
            }
            case "delete" -> {
                if (states.remove(id) == null) return error(log, "container \"" + id + "\" does not exist");
            }
            case "exec" -> {
                int pid = nextPid.incrementAndGet();
                Files.writeString(Path.of(value(argv, "--pid-file")), Integer.toString(pid));
                pids.get(id).add(pid);
            }
            case "ps" -> {
                return new CommandResult(0, pids.getOrDefault(id, List.of()).toString().getBytes(StandardCharsets.UTF_8),
                        new byte[0]);
            }
            case "update" -> { }
            case "checkpoint" -> {
                if (!states.containsKey(id)) return error(log, "container \"" + id + "\" does not exist");
            }
            case "restore" -> {
                if (states.containsKey(id)) return error(log, "container with id exists: " + id);
                int pid = nextPid.incrementAndGet();
                Files.writeString(Path.of(value(argv, "--pid-file")), Integer.toString(pid));
                states.put(id, "running");
                pids.put(id, new ArrayList<>(List.of(pid)));
            }
            default -> throw new IOException("fake rune: unexpected " + argv);
        }
        return new CommandResult(0, new byte[0], new byte[0]);
    }

    synchronized void stopped(String id) {
        states.put(id, "stopped");
    }

    synchronized List<String> subcommands() {
        List<String> out = new ArrayList<>();
        for (List<String> c : calls) out.add(c.get(subcommandIndex(c)));
        return out;
    }

    private static int subcommandIndex(List<String> argv) {
        int i = 1;
        while (i < argv.size() && argv.get(i).startsWith("--")) {
            i += argv.get(i).equals("--debug") || argv.get(i).equals("--systemd-cgroup") ? 1 : 2;
        }
        return i;
    }

    /** The argv of the last call of this sub-command, or null. */
    synchronized List<String> last(String sub) {
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).get(subcommandIndex(calls.get(i))).equals(sub)) return calls.get(i);
        }
        return null;
    }

    static String value(List<String> argv, String flag) {
        int i = argv.indexOf(flag);
        return i < 0 ? null : argv.get(i + 1);
    }

    private static CommandResult error(String log, String msg) throws IOException {
        Files.writeString(Path.of(log), "{\"level\":\"error\",\"msg\":\"" + msg.replace("\"", "\\\"") + "\",\"time\":\"now\"}\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return new CommandResult(1, new byte[0], new byte[0]);
    }
}
