package io.rune.shim.runc;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuneTest {
    /** Records argv and answers with a scripted result; optionally appends to the log file like rune does. */
    static final class FakeMonitor implements Monitor {
        final List<List<String>> calls = new ArrayList<>();
        CommandResult next = new CommandResult(0, new byte[0], new byte[0]);
        String appendToLog;
        Path log;

        @Override
        public CommandResult run(List<String> argv, byte[] input, RuneIo io) throws java.io.IOException {
            calls.add(argv);
            if (appendToLog != null) Files.writeString(log, appendToLog, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return next;
        }
    }

    private static RuneConfig config(Path log) {
        return new RuneConfig("rune", "/run/containerd/rune/default", log.toString(), false, null, false);
    }

    @Test
    void createArgvMatchesGoRunc(@TempDir Path dir) throws Exception {
        FakeMonitor m = new FakeMonitor();
        Rune r = new Rune(config(dir.resolve("log.json")), m);
        r.create("c1", new CreateOptions("/b", "/b/init.pid", null, true, true), RuneIo.NULL);
        assertEquals(List.of("rune", "--root", "/run/containerd/rune/default", "--log", dir.resolve("log.json").toString(),
                "--log-format", "json", "create", "--bundle", "/b", "--pid-file", "/b/init.pid", "--no-pivot",
                "--no-new-keyring", "c1"), m.calls.getFirst());
    }

    @Test
    void globalFlagsOrderWithCriuAndSystemd() {
        Rune r = new Rune(new RuneConfig("/opt/rune", "/r/ns", "/b/log.json", true, "/usr/sbin/criu", true), new FakeMonitor());
        assertEquals(List.of("/opt/rune", "--root", "/r/ns", "--debug", "--log", "/b/log.json", "--log-format", "json",
                "--criu", "/usr/sbin/criu", "--systemd-cgroup"), r.globalArgs());
    }

    @Test
    void killAndDeleteArgv(@TempDir Path dir) {
        Rune r = new Rune(config(dir.resolve("log.json")), new FakeMonitor());
        List<String> g = r.globalArgs();
        assertEquals(List.of("kill", "--all", "c1", "9"), r.killArgs("c1", 9, true).subList(g.size(), g.size() + 4));
        assertEquals(List.of("kill", "c1", "15"), r.killArgs("c1", 15, false).subList(g.size(), g.size() + 3));
        assertEquals(List.of("delete", "--force", "c1"), r.deleteArgs("c1", true).subList(g.size(), g.size() + 3));
        assertEquals(List.of("delete", "c1"), r.deleteArgs("c1", false).subList(g.size(), g.size() + 2));
    }

    @Test
    void failureCarriesLastJsonLogErrorOfThisCallOnly(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("log.json");
        Files.writeString(log, "{\"level\":\"error\",\"msg\":\"an old failure\",\"time\":\"2026-01-01T00:00:00Z\"}\n");
        FakeMonitor m = new FakeMonitor();
        m.log = log;
        m.appendToLog = "{\"level\":\"warning\",\"msg\":\"w\",\"time\":\"t\"}\n"
                + "{\"level\":\"error\",\"msg\":\"first\",\"time\":\"t\"}\n"
                + "not json at all\n"
                + "{\"level\":\"error\",\"msg\":\"runc create failed: unable to start container process: exec: \\\"sh\\\": executable file not found in $PATH \",\"time\":\"t\"}\n";
        m.next = new CommandResult(1, new byte[0], "noise".getBytes(StandardCharsets.UTF_8));
        Rune r = new Rune(config(log), m);
        RuneException e = assertThrows(RuneException.class,
                () -> r.create("c1", new CreateOptions("/b", "/b/init.pid", null, false, false), RuneIo.NULL));
        assertEquals("OCI runtime create failed: runc create failed: unable to start container process: exec: \"sh\": "
                + "executable file not found in $PATH", e.getMessage());

        // a later failing call that logs nothing must not repeat the earlier error
        m.appendToLog = null;
        m.next = new CommandResult(1, new byte[0], "container does not exist".getBytes(StandardCharsets.UTF_8));
        RuneException e2 = assertThrows(RuneException.class, () -> r.start("c1"));
        assertEquals("OCI runtime start failed: rune did not terminate successfully: exit status 1: container does not exist",
                e2.getMessage());
        assertTrue(e2.notExist());
    }

    @Test
    void missingBinaryIsAClearError(@TempDir Path dir) {
        Monitor m = (argv, input, io) -> { throw new io.rune.shim.sys.SysException("posix_spawn", "rune", 2); };
        Rune r = new Rune(config(dir.resolve("log.json")), m);
        RuneException e = assertThrows(RuneException.class, () -> r.start("c1"));
        assertTrue(e.getMessage().startsWith("OCI runtime start failed: posix_spawn rune: no such file or directory"), e.getMessage());
    }

    @Test
    void stateAndPsParseJson(@TempDir Path dir) throws Exception {
        FakeMonitor m = new FakeMonitor();
        Rune r = new Rune(config(dir.resolve("log.json")), m);
        m.next = new CommandResult(0, "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"pid\":42,\"status\":\"running\",\"bundle\":\"/b\"}"
                .getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertEquals(new ContainerState("c1", 42, "running", "/b"), r.state("c1"));
        m.next = new CommandResult(0, "[14535,14600]".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertEquals(List.of(14535, 14600), r.ps("c1"));
        // Go writes a nil slice as null; no output at all is no pids either
        for (String none : List.of("null\n", "", "[]")) {
            m.next = new CommandResult(0, none.getBytes(StandardCharsets.UTF_8), new byte[0]);
            assertEquals(List.of(), r.ps("c1"), none);
        }
        m.next = new CommandResult(0, "[1,".getBytes(StandardCharsets.UTF_8), new byte[0]);
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> r.ps("c1"));
        assertTrue(e.getMessage().endsWith(" ps: line 1 col 4: unexpected end of input, expected a value"), e.getMessage());
    }

    @Test
    void lastErrorSkipsNonErrorLevels() {
        assertNull(RuneLog.lastError("{\"level\":\"info\",\"msg\":\"x\"}\n"));
        assertEquals("b", RuneLog.lastError("{\"level\":\"error\",\"msg\":\"a\"}\n{\"level\":\"error\",\"msg\":\" b \"}\n"));
        // a torn last line, a foreign line and an entry without msg do not hide the last real error
        assertEquals("exec failed: \"x\"", RuneLog.lastError("{\"level\":\"error\",\"msg\":\"exec failed: \\\"x\\\"\",\"time\":\"t\"}\n"
                + "{\"level\":\"error\"}\nnot json\n{\"level\":\"error\",\"msg\":\"to"));
    }

    @Test
    void execUpdateCheckpointArgv(@TempDir Path dir) {
        Rune r = new Rune(config(dir.resolve("log.json")), new FakeMonitor());
        int g = r.globalArgs().size();
        assertEquals(List.of("exec", "--process", "/tmp/p.json", "--console-socket", "/tmp/pty/pty.sock", "--detach",
                "--pid-file", "/b/e1.pid", "c1"), r.execArgs("c1", new ExecOptions("/tmp/p.json", "/b/e1.pid",
                "/tmp/pty/pty.sock")).subList(g, g + 9));
        assertEquals(List.of("exec", "--process", "/tmp/p.json", "--detach", "--pid-file", "/b/e1.pid", "c1"),
                r.execArgs("c1", new ExecOptions("/tmp/p.json", "/b/e1.pid", null)).subList(g, g + 7));
        assertEquals(List.of("update", "--resources", "-", "c1"), r.updateArgs("c1").subList(g, g + 4));
        assertEquals(List.of("checkpoint", "--image-path", "/img", "--work-path", "/work", "--tcp-established",
                "--ext-unix-sk", "--shell-job", "--file-locks", "--empty-ns", "network", "--leave-running", "c1"),
                r.checkpointArgs("c1", new CheckpointOptions("/img", "/work", null, true, true, true, true, true,
                        List.of("network"))).subList(g, g + 13));
        List<String> exitAfter = r.checkpointArgs("c1", new CheckpointOptions("/img", "/work", "", false, false, false,
                false, false, List.of()));
        assertEquals(List.of("checkpoint", "--image-path", "/img", "--work-path", "/work", "c1"), exitAfter.subList(g, exitAfter.size()));
    }

    @Test
    void updateFeedsResourcesOnStdin(@TempDir Path dir) throws Exception {
        byte[][] seen = new byte[1][];
        Monitor m = (argv, input, io) -> { seen[0] = input; return new CommandResult(0, new byte[0], new byte[0]); };
        new Rune(config(dir.resolve("log.json")), m).update("c1", "{\"pids\":{\"limit\":50}}".getBytes(StandardCharsets.UTF_8));
        assertEquals("{\"pids\":{\"limit\":50}}", new String(seen[0], StandardCharsets.UTF_8));
    }

    @Test
    void restoreArgvMatchesGoShim(@TempDir Path dir) {
        Rune r = new Rune(config(dir.resolve("log.json")), new FakeMonitor());
        int g = r.globalArgs().size();
        List<String> a = r.restoreArgs("c1", new RestoreOptions("/b", "/ckpt", "/b/work", "/parent", "/b/init.pid", null, true));
        assertEquals(List.of("restore", "--image-path", "/ckpt", "--work-path", "/b/work", "--parent-path", "/parent",
                "--detach", "--pid-file", "/b/init.pid", "--no-pivot", "-no-subreaper", "--bundle", "/b", "c1"),
                a.subList(g, a.size()));
    }
}
