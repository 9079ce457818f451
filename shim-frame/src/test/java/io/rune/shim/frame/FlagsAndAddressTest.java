package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlagsAndAddressTest {
    @Test
    void parsesContainerdStartArgv() {
        Flags f = Flags.parse(List.of("-namespace", "default", "-address", "/run/containerd/containerd.sock",
                "-publish-binary", "/usr/bin/containerd", "-id", "c1", "-debug", "start"));
        assertEquals("default", f.namespace());
        assertEquals("/run/containerd/containerd.sock", f.address());
        assertEquals("c1", f.id());
        assertTrue(f.debug());
        assertEquals("start", f.action());
    }

    @Test
    void goFlagSyntaxVariants() {
        Flags f = Flags.parse(List.of("--namespace=ns", "-id=x", "-bundle", "/b", "delete"));
        assertEquals("ns", f.namespace());
        assertEquals("x", f.id());
        assertEquals("/b", f.bundle());
        assertEquals("delete", f.action());
        assertTrue(Flags.parse(List.of("-v")).version());
        assertTrue(Flags.parse(List.of("-info")).info());
        assertFalse(Flags.parse(List.of("-info=false")).info());
        assertEquals("", Flags.parse(List.of("-namespace", "n", "-id", "i")).action());
    }

    @Test
    void unknownFlagAndMissingValueAreErrors() {
        assertEquals("flag provided but not defined: -bogus",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("-bogus", "start"))).getMessage());
        assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("-namespace")));
    }

    /** sha256 of "<address>/<ns>/<group>" after path cleaning, under /run/containerd/s. */
    @Test
    void socketPathIsDerivedLikeTheGoShim() throws Exception {
        Path p = SocketAddress.socketPath("/tmp/x/containerd.sock", "default", "g1");
        var md = java.security.MessageDigest.getInstance("SHA-256");
        String want = java.util.HexFormat.of().formatHex(md.digest("/tmp/x/containerd.sock/default/g1".getBytes()));
        assertEquals(Path.of("/run/containerd/s", want), p);
        assertEquals(p, SocketAddress.socketPath("/tmp//x/./containerd.sock", "default", "g1"));
        assertEquals("unix:///run/containerd/s/" + want, SocketAddress.uri(p));
        assertEquals(p, SocketAddress.pathOf(SocketAddress.uri(p)));
    }

    @Test
    void groupKeyFollowsAnnotations(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"process\":{\"args\":[\"a\"]},\"annotations\":{"
                + "\"io.kubernetes.cri.sandbox-id\":\"sb\",\"x\":{\"nested\":1}}}");
        assertEquals("sb", GroupKey.of(dir, "c1"));
        Files.writeString(dir.resolve("config.json"), "{\"annotations\":{\"io.kubernetes.cri.sandbox-id\":\"sb\","
                + "\"io.containerd.runc.v2.group\":\"g\"}}");
        assertEquals("g", GroupKey.of(dir, "c1"));
        Files.writeString(dir.resolve("config.json"), "{\"ociVersion\":\"1.0.2\"}");
        assertEquals("c1", GroupKey.of(dir, "c1"));
        Files.writeString(dir.resolve("config.json"), "[not a spec");
        assertThrows(java.io.IOException.class, () -> GroupKey.of(dir, "c1"));
    }

    @Test
    void debugSocketIsAcceptedAndBooleansTakeAValue() {
        Flags f = Flags.parse(List.of("-debug-socket", "/run/d.sock", "-debug=false", "--version=false", "-socket=/s", "-publish-binary=/p"));
        assertFalse(f.debug());
        assertFalse(f.version());
        assertEquals("/s", f.socket());
        assertEquals("/p", f.publishBinary());
        assertEquals("", f.action());
        assertTrue(Flags.parse(List.of("--debug=true", "start")).debug());
    }

    @Test
    void theFirstNonFlagIsTheActionAndEndsParsing() {
        Flags f = Flags.parse(List.of("-id", "c1", "train", "-bogus"));
        assertEquals("train", f.action());
        assertEquals("c1", f.id());
        assertEquals("delete", Flags.parse(List.of("-id", "c1", "--", "delete")).action());
        assertEquals("-", Flags.parse(List.of("-")).action());
    }

    @Test
    void missingValueNamesTheFlag() {
        assertEquals("flag needs an argument: -id",
                assertThrows(IllegalArgumentException.class, () -> Flags.parse(List.of("--id"))).getMessage());
    }

    @Test
    void plainAddressesPassThroughPathOf() {
        assertEquals(Path.of("/run/x.sock"), SocketAddress.pathOf("/run/x.sock"));
        // containerd's address is used as given: another address gives another socket
        assertNotEquals(SocketAddress.socketPath("/run/a.sock", "ns", "g"), SocketAddress.socketPath("/run/b.sock", "ns", "g"));
        assertNotEquals(SocketAddress.socketPath("/run/a.sock", "ns", "g"), SocketAddress.socketPath("/run/a.sock", "ns2", "g"));
    }

    @Test
    void groupKeySkipsNonStringAnnotationsAndEmptyValues(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"annotations\":{\"io.containerd.runc.v2.group\":\"\","
                + "\"io.kubernetes.cri.sandbox-id\":[\"x\"]},\"process\":{\"args\":[\"a\"]}}");
        assertEquals("c1", GroupKey.of(dir, "c1"));
    }

    @Test
    void withoutTheLauncherVariableTheJvmIsStartedAgain() {
        List<String> argv = Launcher.command(new Relaunch("FRAME_TEST_NO_SUCH_LAUNCHER", "x.Main"));
        assertEquals("x.Main", argv.getLast());
        assertTrue(argv.contains("--enable-native-access=ALL-UNNAMED"));
        assertEquals(System.getProperty("java.class.path"), argv.get(argv.indexOf("-cp") + 1));
        assertTrue(argv.getFirst().endsWith("java"), argv.getFirst());
    }
}
