package io.rune.shim.main;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import io.rune.shim.api.events.ForwardRequest;
import io.rune.shim.api.task.*;
import io.rune.shim.frame.EventPublisher;
import io.rune.shim.frame.Flags;
import io.rune.shim.frame.GroupKey;
import io.rune.shim.frame.Logging;
import io.rune.shim.frame.ReaperCommands;
import io.rune.shim.frame.SocketAddress;
import io.rune.shim.sys.Posix;
import io.rune.shim.sys.UnixListener;
import io.rune.shim.task.TaskService;
import io.rune.shim.ttrpc.MethodHandler;
import io.rune.shim.ttrpc.ServiceRegistry;
import io.rune.shim.ttrpc.TtrpcClient;
import io.rune.shim.ttrpc.TtrpcServer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code train}: runs the start path and a whole container lifecycle against a stand-in rune
 * in a temp dir, so `make install` can record an AOT cache (JDK 25) or CDS archive of what a
 * real start and daemon load and link. Containerd's time-to-first-Create depends on it. Exits
 * non-zero if any step fails, which makes it a smoke test of the installed build as well.
 */
final class Training {
    private static final String TASK = "containerd.task.v2.Task";
    /** Writes the pid file on create like rune; the "container" is a short sleep. */
    private static final String FAKE_RUNE = """
            #!/bin/sh
            cmd=""; pf=""
            while [ $# -gt 0 ]; do
              case "$1" in --pid-file) pf=$2; shift ;; --process|--root|--log|--log-format|--bundle) shift ;;
                create|start|kill|delete|exec|ps|pause|resume) [ -z "$cmd" ] && cmd=$1 ;; esac
              shift
            done
            case "$cmd" in
              create) sleep @LIFE@ </dev/null >/dev/null 2>&1 & echo $! > "$pf" ;;
              exec) sleep 0.05 </dev/null >/dev/null 2>&1 & echo $! > "$pf" ;;
              ps) echo "[1]" ;;
            esac
            exit 0
            """;

    private Training() {}

    /**
     * Rounds of the training run. The AOT cache keeps the JIT's profiles and the list of methods it
     * compiled, and every later JVM compiles those at start-up (JEP 515): one round leaves the
     * per-call code (frames, messages, JSON, the rune calls) below the compile thresholds, so a young
     * daemon (every group-scope container's) would run its first Create and execs interpreted.
     */
    static final int ROUNDS = 8;

    static void run() throws Exception {
        Logging.configure(false, "train", RuneShim.RUNTIME);
        for (int i = 0; i < ROUNDS; i++) rehearse(Duration.ofMillis(600), () -> false);
    }

    /**
     * The start path and one lifecycle, as a spare daemon's warm-up: the first run of that code in
     * a JVM pays for class initialisation and call-site linking, which then no container waits for.
     *
     * @param life      how long the stand-in container runs (exec, pause and resume happen meanwhile)
     * @param cancelled checked before each call: true stops the rehearsal (a real container came)
     */
    static void rehearse(Duration life, java.util.function.BooleanSupplier cancelled) throws Exception {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "rune-shim-train");
        try {
            trainStartPath(dir);
            trainLifecycle(dir, life, cancelled);
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void trainStartPath(Path dir) throws Exception {
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"),
                "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"/bin/true\"]},\"annotations\":{\"a\":\"b\"},"
                        + "\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}");
        Flags f = Flags.parse(List.of("-namespace", "train", "-address", dir + "/c.sock", "-publish-binary", "/x",
                "-id", "t", "start"));
        String group = GroupKey.of(bundle, f.id());
        SocketAddress.socketPath(f.address(), f.namespace(), group);
        Path sock = dir.resolve("s");
        int fd = UnixListener.listen(sock.toString(), 16);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(sock))) {
            ch.isConnected();
        }
        Posix.close(fd);
    }

    private static void trainLifecycle(Path dir, Duration life, java.util.function.BooleanSupplier cancelled) throws Exception {
        Path rune = dir.resolve("rune");
        Files.writeString(rune, FAKE_RUNE.replace("@LIFE@", String.format("%.3f", life.toMillis() / 1000.0)));
        Files.setPosixFilePermissions(rune, PosixFilePermissions.fromString("rwx------"));
        Path bundle = dir.resolve("bundle");
        Path options = dir.resolve("options.toml");
        Files.writeString(options, "BinaryName = \"" + rune + "\"\nRoot = \"" + dir.resolve("root") + "\"\n");

        // containerd's side: an events endpoint
        CountDownLatch forwarded = new CountDownLatch(1);
        ServerSocketChannel eventsSock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(dir.resolve("events")));
        TtrpcServer events = new TtrpcServer(ServiceRegistry.builder().add("containerd.services.events.ttrpc.v1.Events",
                "Forward", MethodHandler.unary(ForwardRequest.parser(), (ctx, r) -> {
                    forwarded.countDown();
                    return Empty.getDefaultInstance();
                })).build());
        events.start(eventsSock);

        EventPublisher publisher = new EventPublisher(dir.resolve("events").toString(), "train");
        CountDownLatch down = new CountDownLatch(1);
        TaskService tasks = RuneTaskService.create("train", Posix.getpid(), false, ReaperCommands.start(), publisher,
                down::countDown);
        ServerSocketChannel shimSock = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                .bind(UnixDomainSocketAddress.of(dir.resolve("shim")));
        TtrpcServer server = new TtrpcServer(TaskBinding.registry(tasks));
        server.start(shimSock);
        try {
            lifecycle(dir, bundle, options, cancelled, down, forwarded);
        } finally {
            publisher.close(Duration.ofSeconds(5));
            server.close();
            events.close();
        }
    }

    private static void lifecycle(Path dir, Path bundle, Path options, java.util.function.BooleanSupplier cancelled,
                                  CountDownLatch down, CountDownLatch forwarded) throws Exception {
        try (TtrpcClient client = TtrpcClient.connect("unix://" + dir.resolve("shim"))) {
            Caller c = new Caller(client, cancelled);
            var opts = io.rune.shim.api.cri.Options.newBuilder().setConfigPath(options.toString()).build();
            c.call("Create", CreateTaskRequest.newBuilder().setId("t").setBundle(bundle.toString())
                    .setOptions(com.google.protobuf.Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
                            .setValue(opts.toByteString())).build().toByteString());
            c.call("Connect", ConnectRequest.newBuilder().setId("t").build().toByteString());
            c.call("Start", StartRequest.newBuilder().setId("t").build().toByteString());
            StateResponse.parseFrom(c.call("State", StateRequest.newBuilder().setId("t").build().toByteString()));
            c.call("Exec", ExecProcessRequest.newBuilder().setId("t").setExecId("e1")
                    .setSpec(com.google.protobuf.Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Process")
                            .setValue(ByteString.copyFromUtf8("{\"args\":[\"/bin/true\"],\"cwd\":\"/\"}")))
                    .build().toByteString());
            c.call("Start", StartRequest.newBuilder().setId("t").setExecId("e1").build().toByteString());
            StateResponse.parseFrom(c.call("State", StateRequest.newBuilder().setId("t").setExecId("e1").build().toByteString()));
            PidsResponse.parseFrom(c.call("Pids", PidsRequest.newBuilder().setId("t").build().toByteString()));
            StatsResponse.parseFrom(c.call("Stats", StatsRequest.newBuilder().setId("t").build().toByteString()));
            WaitResponse.parseFrom(c.call("Wait", WaitRequest.newBuilder().setId("t").setExecId("e1").build().toByteString()));
            c.call("Delete", DeleteRequest.newBuilder().setId("t").setExecId("e1").build().toByteString());
            c.call("Pause", PauseRequest.newBuilder().setId("t").build().toByteString());
            c.call("Resume", ResumeRequest.newBuilder().setId("t").build().toByteString());
            WaitResponse.parseFrom(c.call("Wait", WaitRequest.newBuilder().setId("t").build().toByteString()));
            DeleteResponse.parseFrom(c.call("Delete", DeleteRequest.newBuilder().setId("t").build().toByteString()));
            try {
                c.call("State", StateRequest.newBuilder().setId("t").build().toByteString());
                throw new IOException("State after Delete should fail with NotFound");
            } catch (io.rune.shim.ttrpc.TtrpcException expected) {
                // NotFound: the error path is trained as well
            }
            c.call("Shutdown", ShutdownRequest.newBuilder().setId("t").build().toByteString());
        }
        if (!down.await(5, TimeUnit.SECONDS)) throw new IOException("Shutdown did not end the service");
        if (!forwarded.await(5, TimeUnit.SECONDS)) throw new IOException("no event reached the events endpoint");
    }

    /** Task API calls to the rehearsal's service, each refused once the rehearsal is cancelled. */
    private record Caller(TtrpcClient client, java.util.function.BooleanSupplier cancelled) {
        ByteString call(String method, ByteString payload) throws IOException {
            if (cancelled.getAsBoolean()) throw new java.util.concurrent.CancellationException("rehearsal cancelled before " + method);
            return client.call(TASK, method, payload, Duration.ofSeconds(10), Map.of());
        }
    }
}
