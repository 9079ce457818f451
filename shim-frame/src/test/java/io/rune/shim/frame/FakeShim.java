package io.rune.shim.frame;

import com.google.protobuf.ByteString;
import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.ttrpc.ServiceRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A runtime of its own for the frame's process tests: answers with recognisable values, serves
 * {@code fake.Shim/Hello} and {@code fake.Shim/Shutdown} (which ends the daemon), and writes
 * {@code stopped} into its bundle when the daemon stops.
 */
public final class FakeShim implements ShimManager {
    static final String SERVICE = "fake.Shim";

    public static void main(String[] args) {
        ShimFrame.run(new FakeShim(), args);
    }

    @Override
    public String name() {
        return "io.fake.v1";
    }

    @Override
    public String versionText() {
        return "fake-shim:\n  Version:  9.9\n";
    }

    @Override
    public Relaunch relaunch() {
        return new Relaunch("FAKE_SHIM_LAUNCHER_UNSET", FakeShim.class.getName());
    }

    @Override
    public StartOptions startOptions(byte[] options) throws IOException {
        String s = new String(options, StandardCharsets.UTF_8);
        if (s.startsWith("bad")) throw new IOException("cannot decode runtime options on stdin: " + s);
        if (s.equals("namespace")) return new StartOptions("", ShimScope.NAMESPACE, null);
        // spares only where a test asks for them: none is left running by the others
        if (s.equals("spare")) return new StartOptions("", ShimScope.GROUP, Duration.ofSeconds(2), true);
        return new StartOptions("", ShimScope.GROUP, null, false);
    }

    @Override
    public DeleteResponse delete(Flags flags, Path bundle, PrintStream warnings) {
        warnings.print("cleaned " + flags.id() + " in " + bundle.getFileName() + ". ");
        return DeleteResponse.newBuilder().setPid(42).setExitStatus(137).build();
    }

    /** The options echoed back after a marker, so a test sees stdin arrived. */
    @Override
    public byte[] info(byte[] options) throws IOException {
        if (new String(options, StandardCharsets.UTF_8).startsWith("bad")) throw new IOException("bad options");
        byte[] out = new byte[options.length + 5];
        System.arraycopy("info:".getBytes(StandardCharsets.UTF_8), 0, out, 0, 5);
        System.arraycopy(options, 0, out, 5, options.length);
        return out;
    }

    @Override
    public ShimService serve(DaemonContext ctx) {
        ServiceRegistry registry = ServiceRegistry.builder()
                .add(SERVICE, "Hello", (call, payload) -> ByteString.copyFromUtf8("hello " + ctx.flags().id() + " from " + ctx.shimPid()))
                .add(SERVICE, "Shutdown", (call, payload) -> {
                    ctx.exit().run();
                    return ByteString.EMPTY;
                })
                .build();
        return new ShimService(registry, () -> {
            try {
                Files.writeString(Path.of("stopped"), "yes");
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Override
    public Map<String, ShimAction> actions() {
        return Map.of("hello", f -> System.out.print("hello " + f.id()),
                "fail", f -> { throw new IOException("it failed"); });
    }
}
