package io.rune.shim.main;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Any;
import io.rune.shim.carrier.CommandRunner;
import io.rune.shim.frame.ShimScope;
import io.rune.shim.frame.StartOptions;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.runc.CommandResult;
import io.rune.shim.runc.RuneIo;
import io.rune.shim.sys.Posix;
import io.rune.shim.task.ShimError;
import io.rune.shim.ttrpc.TtrpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuneShimTest {
    private final RuneShim shim = new RuneShim();

    @Test
    void namesVersionAndRelaunch() {
        assertEquals("io.containerd.rune.v2", shim.name());
        assertTrue(shim.versionText().startsWith("containerd-shim-rune-v2:\n  Version:  0.1.0\n  Runtime:  rune (runc-compatible CLI; "));
        assertTrue(shim.versionText().endsWith(")\n"));
        assertEquals("CONTAINERD_SHIM_RUNE_LAUNCHER", shim.relaunch().launcherVariable());
        assertEquals("io.rune.shim.main.Main", shim.relaunch().mainClass());
        assertEquals(List.of("train"), List.copyOf(shim.actions().keySet()));
    }

    @Test
    void startOptionsTakeShimCgroupFromRuncOptions() throws Exception {
        byte[] stdin = Any.newBuilder().setTypeUrl("containerd.runc.v1.Options")
                .setValue(io.rune.shim.api.runc.Options.newBuilder().setShimCgroup("/shims/a").build().toByteString())
                .build().toByteArray();
        assertEquals("/shims/a", shim.startOptions(stdin).shimCgroup());
    }

    @Test
    void infoNamesTheRuntimeEchoesTheOptionsAndReportsTheBinarysFeatures() throws Exception {
        Any runc = Any.newBuilder().setTypeUrl("containerd.runc.v1.Options")
                .setValue(io.rune.shim.api.runc.Options.newBuilder().setBinaryName("runc").build().toByteString()).build();
        var info = io.rune.shim.api.types.RuntimeInfo.parseFrom(shim.info(runc.toByteArray()));
        assertEquals("io.containerd.rune.v2", info.getName());
        assertEquals("0.1.0", info.getVersion().getVersion());
        assertEquals(runc, info.getOptions());
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/runc")), "runc is not installed");
        assertEquals(InfoAction.FEATURES_TYPE, info.getFeatures().getTypeUrl());
        assertTrue(info.getFeatures().getValue().toStringUtf8().contains("\"ociVersionMin\""), info.getFeatures().toString());
        Any missing = Any.newBuilder().setTypeUrl("containerd.runc.v1.Options")
                .setValue(io.rune.shim.api.runc.Options.newBuilder().setBinaryName("/nonexistent/rune").build().toByteString()).build();
        assertEquals("failed to look up the path of \"/nonexistent/rune\": executable file not found in $PATH",
                assertThrows(IOException.class, () -> shim.info(missing.toByteArray())).getMessage());
        Any noFeatures = Any.newBuilder().setTypeUrl("containerd.runc.v1.Options")
                .setValue(io.rune.shim.api.runc.Options.newBuilder().setBinaryName("/bin/false").build().toByteString()).build();
        assertFalse(io.rune.shim.api.types.RuntimeInfo.parseFrom(shim.info(noFeatures.toByteArray())).hasFeatures());
        assertThrows(IOException.class, () -> shim.info(new byte[] {0x0a, 0x7f}));
    }

    private static byte[] optionsFile(String toml) {
        return Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
                .setValue(io.rune.shim.api.cri.Options.newBuilder()
                        .setConfigBody(com.google.protobuf.ByteString.copyFromUtf8(toml)).build().toByteString())
                .build().toByteArray();
    }

    @Test
    void scopeAndLingerFromTheRuntimeOptionsElseTheNodeConfig(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path node = dir.resolve("config.toml");
        RuneShim withNode = new RuneShim(node);
        // no node config, no options: the Go shim's model
        StartOptions none = withNode.startOptions(new byte[0]);
        assertEquals(ShimScope.GROUP, none.scope());
        assertEquals(StartOptions.DEFAULT_LINGER, none.linger());
        // per runtime (an options file: CRI's runtimes table, ctr --runtime-config-path)
        StartOptions perRuntime = withNode.startOptions(optionsFile("ShimScope = \"namespace\"\nShimLinger = \"5s\"\n"));
        assertEquals(ShimScope.NAMESPACE, perRuntime.scope());
        assertEquals(java.time.Duration.ofSeconds(5), perRuntime.linger());
        // node-wide, and the runtime's own setting wins over it
        java.nio.file.Files.writeString(node, "ShimScope = \"namespace\"\nShimLinger = \"250ms\"\n");
        StartOptions nodeWide = withNode.startOptions(new byte[0]);
        assertEquals(ShimScope.NAMESPACE, nodeWide.scope());
        assertEquals(java.time.Duration.ofMillis(250), nodeWide.linger());
        assertEquals(ShimScope.GROUP, withNode.startOptions(optionsFile("ShimScope = \"group\"\n")).scope());
        // a bad value fails start with a message naming it
        IOException bad = assertThrows(IOException.class, () -> withNode.startOptions(optionsFile("ShimScope = \"pod\"\n")));
        assertEquals("ShimScope must be \"group\" or \"namespace\", not \"pod\"", bad.getMessage());
        // spares: on by default, off per runtime or node-wide; the runtime's setting wins
        assertTrue(none.spare());
        assertFalse(withNode.startOptions(optionsFile("ShimSpare = false\n")).spare());
        java.nio.file.Files.writeString(node, "ShimSpare = false\n");
        assertFalse(withNode.startOptions(new byte[0]).spare());
        assertTrue(withNode.startOptions(optionsFile("ShimSpare = true\n")).spare());
        assertEquals("ShimSpare must be true or false, not \"maybe\"",
                assertThrows(IOException.class, () -> withNode.startOptions(optionsFile("ShimSpare = \"maybe\"\n"))).getMessage());
        java.nio.file.Files.writeString(node, "ShimLinger = \"soon\"\n");
        assertTrue(assertThrows(IOException.class, () -> withNode.startOptions(new byte[0])).getMessage()
                .startsWith("not a duration"));
    }

    @Test
    void badStartOptionsFailStart() {
        IOException e = assertThrows(IOException.class, () -> shim.startOptions(new byte[] {(byte) 0xff, 1, 2}));
        assertTrue(e.getMessage().startsWith("cannot decode runtime options on stdin: "), e.getMessage());
        byte[] other = Any.newBuilder().setTypeUrl("example.com/Other").build().toByteArray();
        e = assertThrows(IOException.class, () -> shim.startOptions(other));
        assertTrue(e.getMessage().startsWith("unsupported runtime options type example.com/Other"), e.getMessage());
    }

    @Test
    void taskErrorsKeepTheirCodeOthersAreUnknown() {
        TtrpcException nf = TaskBinding.status("State", ShimError.containerNotCreated());
        assertEquals(5, nf.code());
        assertEquals("container not created: not found", nf.getMessage());
        TtrpcException given = TtrpcException.failedPrecondition("x");
        assertSame(given, TaskBinding.status("Kill", given));
        TtrpcException other = TaskBinding.status("Start", new IOException("disk full"));
        assertEquals(2, other.code());
        assertEquals("disk full", other.getMessage());
        assertEquals(2, TaskBinding.status("Start", new IllegalStateException()).code());
    }

    /** rune's calls on the frame's runner: captured output with input, or fds handed over. */
    @Test
    void runeMonitorCapturesOrHandsOverFds(@TempDir Path dir) throws Exception {
        RuneMonitor m = new RuneMonitor(ReaperCommands.start());
        CommandResult r = m.run(List.of("/bin/sh", "-c", "cat; echo err >&2; exit 4"), "in".getBytes(StandardCharsets.UTF_8), null);
        assertEquals(4, r.status());
        assertEquals("inerr", r.combinedOutput().replace("\n", ""));
        Path out = dir.resolve("out");
        int fd = Posix.open(out.toString(), Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC, 0600);
        try {
            r = m.run(List.of("/bin/sh", "-c", "echo handed"), null, new RuneIo(-1, fd, fd));
        } finally {
            Posix.close(fd);
        }
        assertEquals(0, r.status());
        assertEquals(0, r.stdout().length);
        assertEquals("handed\n", Files.readString(out));
    }

    /** carrier's tools on the frame's runner: extra env, cwd, stdin, and a timeout that ends the tool's group. */
    @Test
    void toolRunnerRunsToolsInTheirOwnGroup(@TempDir Path dir) throws Exception {
        ToolRunner t = new ToolRunner(ReaperCommands.start(Map.of("PATH", "/usr/bin:/bin", "NOTIFY_SOCKET", "/n")));
        CommandRunner.Result r = t.run(new CommandRunner.Command(List.of("/bin/sh", "-c", "echo \"$X ${NOTIFY_SOCKET:-none} $(pwd)\"; cat"),
                Map.of("X", "x"), dir, "fed".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(10)));
        assertEquals(0, r.exitCode());
        assertEquals("x none " + dir + "\nfed", r.stdoutText());
        r = t.run(new CommandRunner.Command(List.of("/bin/sh", "-c", "sleep 30 & echo $$; wait"), dir, Duration.ofMillis(300)));
        assertTrue(r.timedOut());
        assertEquals(137, r.exitCode());
    }
}
