package io.rune.shim.task;

import io.rune.shim.api.Code;
import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.rune.shim.api.runc.legacy.CreateOptions;
import io.rune.shim.api.runc.legacy.RuncOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsDecoderTest {
    private static Any any(String url, ByteString value) {
        return Any.newBuilder().setTypeUrl(url).setValue(value).build();
    }

    @Test
    void absentOrEmptyTypeMeansDefaults() {
        assertEquals(RuntimeOptions.DEFAULTS, OptionsDecoder.decode(null));
        assertEquals(RuntimeOptions.DEFAULTS, OptionsDecoder.decode(Any.getDefaultInstance()));
        assertEquals("rune", RuntimeOptions.DEFAULTS.binaryOrDefault());
        assertEquals("/run/containerd/rune", RuntimeOptions.DEFAULTS.rootOrDefault());
    }

    @Test
    void runcV1OptionsWithAndWithoutPrefix() {
        var o = io.rune.shim.api.runc.Options.newBuilder().setBinaryName("/opt/rune").setRoot("/r").setNoPivotRoot(true)
                .setIoUid(1000).setSystemdCgroup(true).build();
        for (String url : new String[] {"containerd.runc.v1.Options", "types.containerd.io/containerd.runc.v1.Options"}) {
            RuntimeOptions r = OptionsDecoder.decode(any(url, o.toByteString()));
            assertEquals("/opt/rune", r.binaryName());
            assertEquals("/r", r.root());
            assertTrue(r.noPivotRoot());
            assertEquals(1000, r.ioUid());
            assertTrue(r.systemdCgroup());
        }
        // the observed Any with an empty value: all defaults
        assertEquals(RuntimeOptions.DEFAULTS, OptionsDecoder.decode(any("containerd.runc.v1.Options", ByteString.EMPTY)));
    }

    @Test
    void legacyGoClientMessages() {
        RuntimeOptions r = OptionsDecoder.decode(any("containerd.linux.runc.RuncOptions",
                RuncOptions.newBuilder().setRuntime("rune2").setRuntimeRoot("/rr").setCriuPath("/c").build().toByteString()));
        assertEquals("rune2", r.binaryName());
        assertEquals("/rr", r.root());
        assertEquals("/c", r.criuPath());
        r = OptionsDecoder.decode(any("containerd.linux.runc.CreateOptions",
                CreateOptions.newBuilder().setNoNewKeyring(true).setShimCgroup("/shim").setIoGid(5).build().toByteString()));
        assertTrue(r.noNewKeyring());
        assertEquals("/shim", r.shimCgroup());
        assertEquals(5, r.ioGid());
    }

    @Test
    void criConfigFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rune.toml");
        Files.writeString(f, """
                # rune runtime options
                [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.rune.options]
                  BinaryName = "rune"   # the CLI
                  Root = "/run/containerd/rune-x"
                  SystemdCgroup = false
                  no_pivot_root = true
                  IoUid = 42
                """);
        var cri = io.rune.shim.api.cri.Options.newBuilder().setConfigPath(f.toString()).build();
        RuntimeOptions r = OptionsDecoder.decode(any("runtimeoptions.v1.Options", cri.toByteString()));
        assertEquals("rune", r.binaryName());
        assertEquals("/run/containerd/rune-x", r.root());
        assertTrue(r.noPivotRoot());
        assertEquals(42, r.ioUid());
    }

    @Test
    void malformedConfigFileNamesTheLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.toml");
        Files.writeString(f, "BinaryName = \"rune\"\nRoot = [oops\n");
        var cri = io.rune.shim.api.cri.Options.newBuilder().setConfigPath(f.toString()).build();
        ShimError e = assertThrows(ShimError.class, () -> OptionsDecoder.decode(any("runtimeoptions.v1.Options", cri.toByteString())));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        var missing = io.rune.shim.api.cri.Options.newBuilder().setConfigPath(dir.resolve("nope").toString()).build();
        e = assertThrows(ShimError.class, () -> OptionsDecoder.decode(any("runtimeoptions.v1.Options", missing.toByteString())));
        assertTrue(e.getMessage().contains("cannot read runtime options file"), e.getMessage());
    }

    @Test
    void unknownTypeAndGarbageAreInvalidArgument() {
        ShimError e = assertThrows(ShimError.class, () -> OptionsDecoder.decode(any("example.Bogus", ByteString.EMPTY)));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
        assertTrue(e.getMessage().contains("unsupported runtime options type example.Bogus"), e.getMessage());
        e = assertThrows(ShimError.class, () -> OptionsDecoder.decode(any("containerd.runc.v1.Options",
                ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff}))));
        assertEquals(Code.INVALID_ARGUMENT, e.code());
    }

    @Test
    void bundleFilesRoundTrip(@TempDir Path dir) throws Exception {
        RuntimeOptions o = new RuntimeOptions("rune", "/r", true, false, "", 7, 0, "", true, "", "/w", "/etc/x.toml");
        Bundle.at(dir).writeOptions(o);
        assertEquals(o, Bundle.at(dir).readOptions());
        assertEquals("rune", Files.readString(dir.resolve("runtime")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("options.json"))));
        assertEquals(RuntimeOptions.DEFAULTS, Bundle.at(dir.resolve("missing")).readOptions());
    }
}
