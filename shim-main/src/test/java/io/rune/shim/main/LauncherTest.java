package io.rune.shim.main;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.frame.Command;
import io.rune.shim.frame.CommandResult;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.sys.Mounts;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native launcher (launcher/containerd-shim-rune-v2.c) against docs/launcher.md: built here
 * with a stand-in {@code java} that prints what it was given, and run against a fake daemon on
 * the control socket, without one, and on the fast {@code delete} path.
 */
class LauncherTest {
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Path SOURCE = ROOT.resolve("launcher/containerd-shim-rune-v2.c");
    /** as in the Makefile */
    private static final List<String> CFLAGS = List.of("-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE");
    /** two spaces: the launcher splits on each space and skips empty words */
    private static final String JVM_OPTS = "-Xfake:one  -Dfake.two=2";
    private static final String ADDRESS = "/run/containerd/containerd.sock.ttrpc";
    /** what the stand-in java prints before the stdin it got */
    private static final String FAKE_JAVA = """
            #!/bin/sh
            for a in "$@"; do printf '[%s]' "$a"; done
            printf '\\ncwd %s\\nlauncher %s\\nstdin\\n' "$(pwd)" "$CONTAINERD_SHIM_RUNE_LAUNCHER"
            cat
            exit 3
            """;

    @TempDir
    static Path install;
    private static Path launcher;
    // through the frame's runner: java.lang.Process would race its reaper, which other tests of this JVM start
    private static ReaperCommands runner;

    @TempDir
    Path controlDir;
    @TempDir
    Path bundle;

    @BeforeAll
    static void build() throws Exception {
        assumeTrue(onPath("cc"), "no cc on PATH: the native launcher cannot be built here, its tests are skipped");
        runner = ReaperCommands.start();
        Path java = install.resolve("java");
        Files.writeString(java, FAKE_JAVA);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        launcher = install.resolve("containerd-shim-rune-v2");
        List<String> cc = new ArrayList<>(List.of("cc"));
        cc.addAll(CFLAGS);
        cc.addAll(List.of("-DLAUNCHER_JAVA=\"" + java + "\"", "-DLAUNCHER_LIBDIR=\"" + install.resolve("lib") + "\"",
                "-DLAUNCHER_BINDIR=\"" + install + "\"", "-DLAUNCHER_JVM_OPTS=\"" + JVM_OPTS + "\"",
                "-o", launcher.toString(), SOURCE.toString()));
        CommandResult r = runner.run(Command.of(cc).withTimeout(Duration.ofMinutes(2)));
        assertEquals(0, r.status(), "cc: " + r.stderrText());
    }

    private static boolean onPath(String name) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, name)));
    }

    @BeforeEach
    void canonicalBundle() throws Exception {
        bundle = bundle.toRealPath(); // the launcher's getcwd() is canonical
    }

    private record Run(int exit, byte[] stdout, byte[] stderr) {
        String out() {
            return new String(stdout, StandardCharsets.ISO_8859_1);
        }

        /** what the stand-in java printed: its arguments, cwd, launcher variable, then its stdin */
        JvmRun jvm() {
            String s = out();
            int at = s.indexOf("\nstdin\n");
            assertTrue(exit == 3 && at > 0, "the JVM (stand-in) did not run: exit " + exit + ", stdout " + s);
            String[] head = s.substring(0, at).split("\n");
            return new JvmRun(head[0], head[1].substring(4), head[2].substring(9),
                    Arrays.copyOfRange(stdout, at + 7, stdout.length));
        }
    }

    private record JvmRun(String argv, String cwd, String launcherVariable, byte[] stdin) {}

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin", "MARK", "a b=c");

    private Run run(byte[] stdin, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(launcher.toString()));
        argv.addAll(List.of(args));
        Map<String, String> env = new HashMap<>(ENV);
        env.put("RUNE_SHIM_CONTROL_DIR", controlDir.toString());
        CommandResult r = runner.run(Command.of(argv).withOnlyEnv(env).withCwd(bundle).withInput(stdin)
                .withTimeout(Duration.ofSeconds(30)));
        return new Run(r.status(), r.stdout(), r.stderr());
    }

    private static String[] containerdArgs(String id, String action) {
        return new String[] {"-namespace", "ns1", "-address", ADDRESS, "-publish-binary", "/usr/bin/containerd",
                "-id", id, action};
    }

    private static String jvmArgv(String... args) {
        StringBuilder s = new StringBuilder("[-Xfake:one][-Dfake.two=2][-cp][" + install.resolve("lib") + "/*][io.rune.shim.main.Main]");
        for (String a : args) s.append('[').append(a).append(']');
        return s.toString();
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    // ------------------------------------------------------------------ a warm daemon answers

    @Test
    void startIsHandedToTheWarmDaemonAndItsAnswerRelayedExactly() throws Exception {
        byte[] options = randomBytes(5000);
        byte[] out = new byte[256];
        for (int i = 0; i < out.length; i++) out[i] = (byte) i;
        byte[] err = "warm\0daemon\n".getBytes(StandardCharsets.UTF_8);
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns1", r -> FakeControlDaemon.handled(5, out, err))) {
            Run r = run(options, containerdArgs("c1", "start"));
            var req = daemon.request();
            assertEquals(List.of(containerdArgs("c1", "start")), req.args());
            assertEquals(bundle.toString(), req.cwd());
            assertEquals(List.of("MARK=a b=c", "PATH=/usr/bin:/bin", "RUNE_SHIM_CONTROL_DIR=" + controlDir),
                    req.env().stream().sorted().toList());
            assertArrayEquals(options, req.stdin());
            assertEquals(5, r.exit());
            assertArrayEquals(out, r.stdout());
            assertArrayEquals(err, r.stderr());
        }
    }

    @Test
    void deleteIsHandedToTheWarmDaemonWithoutStdin() throws Exception {
        // rune state left: something to clean up, which the launcher cannot do itself
        Path root = bundle.resolve("state");
        Files.createDirectories(root.resolve("ns1/c1"));
        Files.writeString(bundle.resolve("options.json"), "{\"root\":\"" + root + "\"}");
        byte[] answer = DeleteResponse.newBuilder().setPid(42).setExitStatus(137).build().toByteArray();
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns1",
                r -> FakeControlDaemon.handled(0, answer, new byte[0]))) {
            Run r = run("not for the daemon".getBytes(StandardCharsets.UTF_8), "--namespace=ns1", "--address", ADDRESS,
                    "-id=c1", "-bundle", bundle.toString(), "-debug", "delete");
            var req = daemon.request();
            assertEquals(List.of("--namespace=ns1", "--address", ADDRESS, "-id=c1", "-bundle", bundle.toString(),
                    "-debug", "delete"), req.args());
            assertEquals(0, req.stdin().length);
            assertEquals(0, r.exit());
            assertArrayEquals(answer, r.stdout());
            assertEquals(0, r.stderr().length);
        }
    }

    // ------------------------------------------------------------------ no warm daemon: the JVM

    @Test
    void startNotForThisDaemonExecsTheJvmWithTheSameStdin() throws Exception {
        byte[] options = randomBytes(300 * 1024); // more than a pipe holds
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns1", r -> FakeControlDaemon.notOurs())) {
            JvmRun jvm = run(options, containerdArgs("c1", "start")).jvm();
            assertArrayEquals(options, daemon.request().stdin());
            assertEquals(jvmArgv(containerdArgs("c1", "start")), jvm.argv());
            assertEquals(bundle.toString(), jvm.cwd());
            assertEquals(install.resolve("containerd-shim-rune-v2").toString(), jvm.launcherVariable());
            assertArrayEquals(options, jvm.stdin());
        }
    }

    @Test
    void aDaemonClosingMidResponseMeansTheJvm() throws Exception {
        byte[] whole = FakeControlDaemon.handled(0, "unix:///run/x.sock".getBytes(StandardCharsets.UTF_8), new byte[0]);
        byte[] options = "runtime options".getBytes(StandardCharsets.UTF_8);
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns1", r -> Arrays.copyOf(whole, whole.length - 3))) {
            JvmRun jvm = run(options, containerdArgs("c1", "start")).jvm();
            assertTrue(daemon.contacted());
            assertEquals(jvmArgv(containerdArgs("c1", "start")), jvm.argv());
            assertArrayEquals(options, jvm.stdin());
        }
    }

    @Test
    void aMalformedResponseMeansTheJvm() throws Exception {
        byte[] bad = FakeControlDaemon.handled(256, new byte[0], new byte[0]); // no exit status
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns1", r -> bad)) {
            JvmRun jvm = run(new byte[] {1, 2}, containerdArgs("c1", "start")).jvm();
            assertTrue(daemon.contacted());
            assertArrayEquals(new byte[] {1, 2}, jvm.stdin());
        }
    }

    @Test
    void withoutADaemonStartExecsTheJvmOnItsOwnStdin() throws Exception {
        byte[] options = randomBytes(100);
        JvmRun jvm = run(options, containerdArgs("c1", "start")).jvm();
        assertEquals(jvmArgv(containerdArgs("c1", "start")), jvm.argv());
        assertArrayEquals(options, jvm.stdin());
    }

    @Test
    void aDaemonOfAnotherNamespaceIsNotAsked() throws Exception {
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns2", r -> FakeControlDaemon.handled(0,
                new byte[0], new byte[0]))) {
            run(new byte[0], containerdArgs("c1", "start")).jvm();
            assertFalse(daemon.contacted());
        }
    }

    @Test
    void versionTheDaemonAndBadFlagsGoStraightToTheJvm() throws Exception {
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns1", r -> FakeControlDaemon.notOurs())) {
            assertEquals(jvmArgv("-v"), run(null, "-v").jvm().argv());
            assertEquals(jvmArgv("-namespace", "ns1", "-address", ADDRESS, "-id", "c1"),
                    run(null, "-namespace", "ns1", "-address", ADDRESS, "-id", "c1").jvm().argv());
            assertEquals(jvmArgv("-namespace", "ns1", "-address", ADDRESS, "-nosuchflag", "start"),
                    run(null, "-namespace", "ns1", "-address", ADDRESS, "-nosuchflag", "start").jvm().argv());
            assertFalse(daemon.contacted());
        }
    }

    // ------------------------------------------------------------------ delete with nothing to clean up

    @Test
    void cleanBundleIsAnsweredWithoutTheJvm() throws Exception {
        Files.writeString(bundle.resolve("init.pid"), "4242\n");
        Files.writeString(bundle.resolve("options.json"), "{\"binary_name\":\"rune\",\"root\":\"" + bundle.resolve("state") + "\"}");
        Run r = run(null, containerdArgs("c1", "delete"));
        assertEquals(0, r.exit(), r.out());
        DeleteResponse d = DeleteResponse.parseFrom(r.stdout());
        assertEquals(4242, d.getPid());
        assertEquals(137, d.getExitStatus());
        long age = Instant.now().getEpochSecond() - d.getExitedAt().getSeconds();
        assertTrue(age >= 0 && age < 10, "exited_at is now: " + d.getExitedAt());
        assertTrue(d.getExitedAt().getNanos() >= 0 && d.getExitedAt().getNanos() < 1_000_000_000);
        assertEquals(0, r.stderr().length);
    }

    @Test
    void withoutPidFileThePidIsUint32Max() throws Exception {
        Run r = run(null, containerdArgs("never-created", "delete"));
        assertEquals(0, r.exit());
        assertEquals(-1, DeleteResponse.parseFrom(r.stdout()).getPid()); // 0xffffffff as Java's int
    }

    @Test
    void aDeleteWithNothingToCleanUpIsAnsweredWithoutTheDaemon() throws Exception {
        // the daemon on the control socket may be a spare still starting: nothing waits for it
        try (var daemon = new FakeControlDaemon(controlDir, ADDRESS, "ns1", r -> FakeControlDaemon.notOurs())) {
            Run r = run(null, containerdArgs("c1", "delete"));
            assertFalse(daemon.contacted());
            assertEquals(0, r.exit());
            assertEquals(137, DeleteResponse.parseFrom(r.stdout()).getExitStatus());
        }
    }

    /** rune state still there: the Java DeleteAction must run. */
    @Test
    void leftoverRuneStateGoesToTheJvm() throws Exception {
        Path root = bundle.resolve("state");
        Files.createDirectories(root.resolve("ns1/c2"));
        Files.writeString(bundle.resolve("options.json"), "{\"root\":\"" + root + "\"}");
        assertEquals(jvmArgv(containerdArgs("c2", "delete")), run(null, containerdArgs("c2", "delete")).jvm().argv());
    }

    @Test
    void withoutOptionsFileTheDefaultRootIsUsed() throws Exception {
        // no options.json: the root is /run/containerd/rune; a made-up namespace cannot exist there
        Run r = run(null, "-namespace", "launcher-test-ns-" + ProcessHandle.current().pid(), "-id", "c", "delete");
        assertEquals(0, r.exit());
    }

    @Test
    void anEscapedOptionsFileGoesToTheJvm() throws Exception {
        Files.writeString(bundle.resolve("options.json"), "{\"root\":\"\\/x\"}");
        run(null, containerdArgs("c2", "delete")).jvm();
    }

    @Test
    void unusualCharactersGoToTheJvm() throws Exception {
        run(null, "-namespace", "ns 1", "-id", "c1", "delete").jvm();
    }

    @Test
    void mountedRootfsGoesToTheJvm() throws Exception {
        Path rootfs = Files.createDirectory(bundle.resolve("rootfs"));
        Mounts.mount("tmpfs", rootfs.toString(), "tmpfs", 0, "size=1m");
        try {
            assertEquals(jvmArgv(containerdArgs("c3", "delete")), run(null, containerdArgs("c3", "delete")).jvm().argv());
        } finally {
            Mounts.umount(rootfs.toString(), 0);
        }
        assertEquals(0, run(null, containerdArgs("c3", "delete")).exit()); // unmounted: fast again
    }

    @Test
    void socketNameIsTheOneTheCTestsExpect() {
        assertEquals("rune-0e204130a8befff5.ctl", FakeControlDaemon.socketName(ADDRESS, "default"));
    }
}
