package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.ByteString;
import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.sys.Posix;
import io.rune.shim.ttrpc.TtrpcClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The frame's actions as containerd sees them: a JVM running {@link FakeShim}, its stdout, stderr and exit code. */
class ShimFrameTest {
    private static CommandResult shim(Path cwd, byte[] stdin, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), FakeShim.class.getName()));
        // protobuf's use of sun.misc.Unsafe warns on stderr from JDK 24 on, as in the installed launcher
        if (Runtime.version().feature() >= 24) argv.add(1, "--sun-misc-unsafe-memory-access=allow");
        argv.addAll(List.of(args));
        Command c = Command.of(argv).withInput(stdin).withTimeout(Duration.ofSeconds(60));
        return ReaperCommands.start().run(cwd == null ? c : c.withCwd(cwd));
    }

    @Test
    void versionPrintsTheManagersText() throws Exception {
        CommandResult r = shim(null, null, "-v");
        assertEquals(0, r.status());
        assertEquals("fake-shim:\n  Version:  9.9\n", r.stdoutText());
        assertEquals("", r.stderrText());
    }

    @Test
    void infoAnswersTheManagersBytesForTheOptionsOnStdinWithoutANamespace() throws Exception {
        CommandResult r = shim(null, "opts".getBytes(StandardCharsets.UTF_8), "-info");
        assertEquals(0, r.status(), r.stderrText());
        assertEquals("info:opts", r.stdoutText());
        r = shim(null, "bad".getBytes(StandardCharsets.UTF_8), "-info");
        assertEquals(1, r.status());
        assertEquals("io.fake.v1: bad options", r.stderrText());
    }

    @Test
    void aBadFlagIsAnErrorNamedByTheRuntime() throws Exception {
        CommandResult r = shim(null, null, "-bogus", "start");
        assertEquals(1, r.status());
        assertEquals("io.fake.v1: flag provided but not defined: -bogus", r.stderrText());
        assertEquals("", r.stdoutText());
    }

    @Test
    void startChecksNamespaceAndIdBeforeTheOptions() throws Exception {
        CommandResult r = shim(null, "bad".getBytes(), "-namespace", "n", "start");
        assertEquals(1, r.status());
        assertEquals("io.fake.v1: shim id cannot be empty", r.stderrText());
        r = shim(null, "bad options".getBytes(), "-namespace", "n", "-id", "c", "start");
        assertEquals(1, r.status());
        assertEquals("io.fake.v1: cannot decode runtime options on stdin: bad options", r.stderrText());
        assertEquals("", r.stdoutText());
    }

    @Test
    void deleteAnswersTheManagersResponseWithWarningsOnStderr(@TempDir Path dir) throws Exception {
        Path bundle = Files.createDirectory(dir.resolve("b1"));
        CommandResult r = shim(bundle, null, "-namespace", "n", "-id", "c9", "delete");
        assertEquals(0, r.status());
        DeleteResponse d = DeleteResponse.parseFrom(r.stdout());
        assertEquals(42, d.getPid());
        assertEquals(137, d.getExitStatus());
        assertEquals("cleaned c9 in b1. ", r.stderrText());
        r = shim(dir, null, "-namespace", "n", "-id", "c9", "-bundle", bundle.toString(), "delete");
        assertEquals("cleaned c9 in b1. ", r.stderrText());
    }

    @Test
    void extraActionsRunAndTheirErrorsExit1() throws Exception {
        CommandResult r = shim(null, null, "-id", "x1", "hello");
        assertEquals(0, r.status());
        assertEquals("hello x1", r.stdoutText());
        r = shim(null, null, "fail");
        assertEquals(1, r.status());
        assertEquals("io.fake.v1: it failed", r.stderrText());
    }

    /**
     * start binds the group's socket, spawns the daemon with it, writes {@code address} and prints
     * it; a second start of the group finds the live daemon; the manager's exit ends the daemon,
     * which removes its socket and runs the stop hook.
     */
    @Test
    void startSpawnsADaemonThatServesTheManagerAndExitsWhenTold(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Posix.geteuid() == 0, "start binds under /run/containerd/s");
        Path bundle = Files.createDirectory(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), "{\"annotations\":{\"io.containerd.runc.v2.group\":\"g1\"}}");
        String containerd = dir.resolve("containerd.sock").toString();
        CommandResult r = shim(bundle, new byte[0], "-namespace", "ns", "-address", containerd, "-id", "c1", "start");
        assertEquals(0, r.status(), r.stderrText());
        Path socket = SocketAddress.socketPath(containerd, "ns", "g1");
        assertEquals(SocketAddress.uri(socket), r.stdoutText());
        assertEquals(r.stdoutText(), Files.readString(bundle.resolve("address")));
        TtrpcClient c = TtrpcClient.connect(r.stdoutText());
        try {
            String hello = c.call(FakeShim.SERVICE, "Hello", ByteString.EMPTY, Duration.ofSeconds(10), Map.of()).toStringUtf8();
            assertTrue(hello.startsWith("hello c1 from "), hello);

            Path bundle2 = Files.createDirectory(dir.resolve("bundle2"));
            Files.copy(bundle.resolve("config.json"), bundle2.resolve("config.json"));
            CommandResult again = shim(bundle2, new byte[0], "-namespace", "ns", "-address", containerd, "-id", "c2", "start");
            assertEquals(0, again.status(), again.stderrText());
            assertEquals(r.stdoutText(), again.stdoutText(), "the group's live daemon is reused");
            assertEquals(r.stdoutText(), Files.readString(bundle2.resolve("address")));
            assertEquals(hello, c.call(FakeShim.SERVICE, "Hello", ByteString.EMPTY, Duration.ofSeconds(10), Map.of()).toStringUtf8(),
                    "still the first daemon");
        } finally {
            // also when an assertion failed: no daemon is left running
            try {
                c.call(FakeShim.SERVICE, "Shutdown", ByteString.EMPTY, Duration.ofSeconds(10), Map.of());
            } catch (io.rune.shim.ttrpc.TtrpcClosedException e) {
                // the daemon may close before its reply is out; containerd takes that as done too
            }
            c.close();
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // the stop hook's file can be seen created before it is written: wait for its content
        while ((Files.exists(socket) || !stopped(bundle)) && System.nanoTime() < deadline) Thread.sleep(50);
        assertFalse(Files.exists(socket), "the daemon removed its socket");
        assertEquals("yes", Files.readString(bundle.resolve("stopped"), StandardCharsets.UTF_8));
    }

    /**
     * Spare daemons (docs/launcher.md): the first group's daemon starts a spare on the control socket;
     * a forwarded start of a new group adopts it (the group's daemon is the spare's process, which
     * ps then shows with the group's flags) and its understudy, started before the adoption, takes
     * the control socket over and is adopted by the next new group; a start of a group whose daemon
     * runs gets its address; idle spares leave (the understudy with its spare) and remove the control
     * socket.
     */
    @Test
    void aSpareBecomesTheNextGroupsDaemonAndHandsTheControlSocketOn(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Posix.geteuid() == 0, "start binds under /run/containerd/s");
        String containerd = dir.resolve("containerd.sock").toString();
        Path control = ControlSocket.path(containerd, "ns");
        Path b1 = bundle(dir, "b1", "g1"), b2 = bundle(dir, "b2", "g2"), b3 = bundle(dir, "b3", "g1"),
                b4 = bundle(dir, "b4", "g3");
        CommandResult r = shim(b1, "spare".getBytes(), "-namespace", "ns", "-address", containerd, "-id", "c1", "start");
        assertEquals(0, r.status(), r.stderrText());
        List<TtrpcClient> clients = new ArrayList<>();
        try {
            clients.add(TtrpcClient.connect(r.stdoutText()));
            String first = hello(clients.get(0));
            assertTrue(first.startsWith("hello c1 from "), first);
            // the spare on the control socket and, once it serves and rehearsed, its understudy
            Map<Boolean, List<Long>> spares = awaitSpares(containerd, 2);
            long head = spares.get(false).getFirst(), understudy = spares.get(true).getFirst();

            ControlCodec.Response adopted = forwardedStart(control, containerd, "c2", b2);
            assertTrue(adopted.handled(), "the spare answers the start of a new group");
            assertEquals(0, adopted.status(), new String(adopted.stderr()));
            String g2 = SocketAddress.uri(SocketAddress.socketPath(containerd, "ns", "g2"));
            assertEquals(g2, new String(adopted.stdout()));
            assertEquals(g2, Files.readString(b2.resolve("address")));
            clients.add(TtrpcClient.connect(g2));
            String second = hello(clients.get(1));
            assertTrue(second.startsWith("hello c2 from "), second);
            long pid = Long.parseLong(second.substring("hello c2 from ".length()));
            assertEquals(head, pid, "the spare on the control socket became g2's daemon");
            assertNotEquals(first, second.replace("c2", "c1"), "another process serves the new group");
            String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
            assertTrue(cmdline.contains("-namespace ns -id c2 -address " + containerd), cmdline);

            // the next spare now holds the control socket: a start of the running group g1 joins its daemon
            ControlCodec.Response joined = forwardedStart(control, containerd, "c3", b3);
            assertEquals(0, joined.status(), new String(joined.stderr()));
            assertEquals(r.stdoutText(), new String(joined.stdout()));

            // the understudy took the control socket over: the next new group adopts it
            ControlCodec.Response third = forwardedStart(control, containerd, "c4", b4);
            assertEquals(0, third.status(), new String(third.stderr()));
            clients.add(TtrpcClient.connect(new String(third.stdout())));
            assertEquals("hello c4 from " + understudy, hello(clients.get(2)));
        } finally {
            for (TtrpcClient c : clients) {
                try {
                    c.call(FakeShim.SERVICE, "Shutdown", ByteString.EMPTY, Duration.ofSeconds(10), Map.of());
                } catch (io.rune.shim.ttrpc.TtrpcClosedException e) {
                    // closed before the reply: done as well
                }
                c.close();
            }
        }
        // the spare's idle time is 2 s (FakeShim): then it leaves and the control socket goes with it
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Files.exists(control) && System.nanoTime() < deadline) Thread.sleep(100);
        assertFalse(Files.exists(control), "the idle spare removed the control socket");
        Map<Boolean, List<Long>> left = spares(containerd);
        while ((!left.get(true).isEmpty() || !left.get(false).isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            left = spares(containerd);
        }
        assertEquals(Map.of(true, List.of(), false, List.of()), left, "the idle spare's understudy left with it");
    }

    /** Waits until {@code n} spare processes of this containerd address run; see {@link #spares}. */
    private static Map<Boolean, List<Long>> awaitSpares(String containerd, int n) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            Map<Boolean, List<Long>> found = spares(containerd);
            if (found.get(true).size() + found.get(false).size() == n) return found;
            if (System.nanoTime() > deadline) throw new AssertionError("expected " + n + " spares, found " + found);
            Thread.sleep(50);
        }
    }

    /** Spare processes of this containerd address (their argv ends in "spare"), keyed by: is it an understudy. */
    private static Map<Boolean, List<Long>> spares(String containerd) throws java.io.IOException {
        Map<Boolean, List<Long>> out = new java.util.HashMap<>(Map.of(true, new ArrayList<>(), false, new ArrayList<>()));
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(q -> q.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                String cmdline, environ;
                try {
                    cmdline = Files.readString(p.resolve("cmdline"), StandardCharsets.ISO_8859_1);
                    environ = Files.readString(p.resolve("environ"), StandardCharsets.ISO_8859_1);
                } catch (java.io.IOException gone) {
                    continue;
                }
                if (!cmdline.contains("\0-address\0" + containerd + "\0") || !cmdline.endsWith("\0spare\0")) continue;
                boolean understudy = ("\0" + environ).contains("\0" + Understudy.CUE_VARIABLE + "=");
                out.get(understudy).add(Long.parseLong(p.getFileName().toString()));
            }
        }
        return out;
    }

    private static Path bundle(Path dir, String name, String group) throws java.io.IOException {
        Path b = Files.createDirectory(dir.resolve(name));
        Files.writeString(b.resolve("config.json"), "{\"annotations\":{\"io.containerd.runc.v2.group\":\"" + group + "\"}}");
        return b;
    }

    private static String hello(TtrpcClient c) throws Exception {
        return c.call(FakeShim.SERVICE, "Hello", ByteString.EMPTY, Duration.ofSeconds(10), Map.of()).toStringUtf8();
    }

    /** What the launcher sends for {@code start}, with the environment the shim processes of this test get. */
    private static ControlCodec.Response forwardedStart(Path control, String containerd, String id, Path bundle) throws Exception {
        Map<String, String> env = new java.util.HashMap<>(System.getenv());
        env.remove("NOTIFY_SOCKET");
        byte[] req = ControlCodec.encode(new ControlCodec.Request(List.of("-namespace", "ns", "-address", containerd, "-id", id,
                "start"), bundle.toString(), env, "spare".getBytes()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try (var ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.connect(java.net.UnixDomainSocketAddress.of(control));
                ch.write(java.nio.ByteBuffer.wrap(req));
                ch.shutdownOutput();
                var in = new java.io.DataInputStream(java.nio.channels.Channels.newInputStream(ch));
                assertArrayEquals(ControlCodec.MAGIC, in.readNBytes(4));
                if (in.readInt() != 0) return ControlCodec.Response.NOT_HANDLED;
                int status = in.readInt();
                byte[] out = in.readNBytes(in.readInt());
                byte[] err = in.readNBytes(in.readInt());
                return new ControlCodec.Response(true, status, out, err);
            } catch (java.io.IOException e) {
                // the first spare is still starting (no control socket yet)
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(100);
            }
        }
    }

    private static boolean stopped(Path bundle) throws java.io.IOException {
        Path f = bundle.resolve("stopped");
        return Files.exists(f) && Files.readString(f, StandardCharsets.UTF_8).equals("yes");
    }
}
