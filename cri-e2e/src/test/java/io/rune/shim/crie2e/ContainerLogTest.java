package io.rune.shim.crie2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rune.shim.crie2e.cri.ContainerState;
import io.rune.shim.crie2e.cri.ContainerStatus;
import io.rune.shim.testsupport.Poll;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Container logs: containerd's CRI plugin copies the container's stdout and stderr (the shim's IO
 * FIFOs) into {@code <pod log dir>/<log_path>} in the CRI log format
 * ({@code <RFC 3339 nano time> <stream> <F|P> <text>}; a last line without newline is tagged P, partial).
 * A container writes to both streams and exits 0;
 * ContainerStatus then reports EXITED, exit code 0, reason Completed and the log path.
 */
class ContainerLogTest extends CriTestBase {

    ContainerLogTest(CriContainerd ctd) {
        super(ctd);
    }

    /**
     * @param status   state, exit code and reason after the exit
     * @param logPath  ContainerStatus.log_path relative to the pod's log dir
     * @param lines    the log lines without their timestamps, stdout lines first, each stream in order
     * @param badTimes lines whose timestamp is not RFC 3339
     * @param clean    nothing of the pod left after teardown
     */
    record Logs(String status, String logPath, List<String> lines, List<String> badTimes, boolean clean) {}

    private Logs scenario(Handler h) {
        Pod pod = newPod(h, "logs");
        runPod(pod);
        String id = createContainer(pod, "talker", List.of("/bin/sh", "-c",
                "echo hello-out; echo hello-err >&2; echo second-out; echo second-err >&2; printf no-newline"), null);
        startContainer(id);
        ContainerStatus st = awaitState(id, ContainerState.CONTAINER_EXITED, Duration.ofSeconds(15));
        String status = st.getState() + " exit " + st.getExitCode() + " reason " + st.getReason();
        Path logDir = Path.of(pod.config.getLogDirectory());
        String logPath = st.getLogPath().startsWith(logDir + "/") ? st.getLogPath().substring(logDir.toString().length() + 1) : st.getLogPath();
        Path file = logDir.resolve("talker.log");
        // the CRI plugin closes the log once both streams hit EOF, which may trail the exit a little
        List<String> raw = Poll.until(Duration.ofSeconds(5), () -> read(file), l -> l.size() >= 5);
        List<String> out = new ArrayList<>();
        List<String> err = new ArrayList<>();
        List<String> bad = new ArrayList<>();
        for (String line : raw) {
            String[] f = line.split(" ", 2);
            try {
                OffsetDateTime.parse(f[0]);
            } catch (DateTimeParseException e) {
                bad.add(line);
            }
            String rest = f.length > 1 ? f[1] : "";
            (rest.startsWith("stdout ") ? out : err).add(rest);
        }
        out.addAll(err);
        Leftovers left = teardown(pod);
        Logs l = new Logs(status, logPath, out, bad, left.clean());
        System.err.println("[cri-e2e] " + h + ": " + l + "\n  raw log: " + raw + (left.clean() ? "" : "\n  leftovers " + left));
        return l;
    }

    private static List<String> read(Path f) {
        try {
            return Files.exists(f) ? Files.readAllLines(f) : List.of();
        } catch (IOException e) {
            return List.of("unreadable: " + e);
        }
    }

    @Test
    void containerOutputReachesTheCriLogFile() {
        Sides<Logs> s = Sides.run(this::scenario);
        Logs expected = new Logs("CONTAINER_EXITED exit 0 reason Completed", "talker.log",
                List.of("stdout F hello-out", "stdout F second-out", "stdout P no-newline", "stderr F hello-err", "stderr F second-err"),
                List.of(), true);
        assertAll(
                () -> assertEquals(expected, s.ref(), "runc"),
                () -> assertEquals(expected, s.ut(), "rune"),
                () -> assertEquals(s.ref(), s.ut(), "rune differs from runc"));
    }
}
