package io.rune.shim.main;

import io.rune.shim.api.task.DeleteResponse;
import io.rune.shim.frame.DaemonContext;
import io.rune.shim.frame.Flags;
import io.rune.shim.frame.Relaunch;
import io.rune.shim.frame.ShimAction;
import io.rune.shim.frame.ShimManager;
import io.rune.shim.frame.ShimService;
import io.rune.shim.frame.ShimScope;
import io.rune.shim.frame.StartOptions;
import io.rune.shim.task.RuntimeOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** The rune runtime in the shim frame: runc's options, rune's cleanup, the Task service over rune. */
final class RuneShim implements ShimManager {
    static final String RUNTIME = "io.containerd.rune.v2";
    static final String VERSION = "0.1.0";
    /** The installed launcher exports its own path here, so start runs the daemon through it. */
    static final String LAUNCHER_VARIABLE = "CONTAINERD_SHIM_RUNE_LAUNCHER";
    private final Path nodeConfig;

    RuneShim() {
        this(NodeConfig.path());
    }

    /** @param nodeConfig the node-wide shim configuration file (need not exist) */
    RuneShim(Path nodeConfig) {
        this.nodeConfig = nodeConfig;
    }

    @Override
    public String name() {
        return RUNTIME;
    }

    @Override
    public String versionText() {
        return "containerd-shim-rune-v2:\n"
                + "  Version:  " + VERSION + "\n"
                + "  Runtime:  rune (runc-compatible CLI; " + Runtime.version() + ")\n";
    }

    @Override
    public Relaunch relaunch() {
        return new Relaunch(LAUNCHER_VARIABLE, Main.class.getName());
    }

    /** ShimCgroup from the runtime options; ShimScope and ShimLinger from them, else from the node's config. */
    @Override
    public StartOptions startOptions(byte[] options) throws IOException {
        RuntimeOptions o = options.length == 0 ? RuntimeOptions.DEFAULTS : RuneTaskService.options(options);
        RuntimeOptions node = o.shimScope().isEmpty() || o.shimLinger().isEmpty() || o.shimSpare().isEmpty()
                ? NodeConfig.load(nodeConfig) : o;
        String scope = o.shimScope().isEmpty() ? node.shimScope() : o.shimScope();
        String linger = o.shimLinger().isEmpty() ? node.shimLinger() : o.shimLinger();
        String spare = o.shimSpare().isEmpty() ? node.shimSpare() : o.shimSpare();
        try {
            return new StartOptions(o.shimCgroup(), ShimScope.parse(scope),
                    linger.isEmpty() ? null : StartOptions.parseDuration(linger), spare(spare));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    /** ShimSpare: on unless set to false. */
    private static boolean spare(String value) {
        return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "", "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("ShimSpare must be true or false, not \"" + value + "\"");
        };
    }

    @Override
    public DeleteResponse delete(Flags flags, Path bundle, PrintStream warnings) throws IOException, InterruptedException {
        return new DeleteAction(flags, bundle, warnings).run();
    }

    @Override
    public byte[] info(byte[] options) throws IOException, InterruptedException {
        return new InfoAction(options).run();
    }

    @Override
    public ShimService serve(DaemonContext ctx) {
        var tasks = RuneTaskService.create(ctx.flags().namespace(), ctx.shimPid(), ctx.flags().debug(), ctx.commands(),
                ctx.events(), ctx.exit());
        return new ShimService(TaskBinding.registry(tasks), () -> {}, tasks::idle);
    }

    /** The Task API's and the events' message descriptors, and the task service's JSON mapper. */
    @Override
    public void warmUp() {
        io.rune.shim.api.task.CreateTaskRequest.getDefaultInstance();
        io.rune.shim.api.events.TaskCreate.getDefaultInstance();
        io.rune.shim.api.types.Mount.getDefaultInstance();
        io.rune.shim.api.runc.Options.getDefaultInstance();
        try {
            Class.forName("io.rune.shim.task.TaskService", true, RuneShim.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A spare's warm-up: the start path and a lifecycle against a stand-in rune (see {@link Training}). */
    @Override
    public void rehearse(java.util.function.BooleanSupplier cancelled) throws Exception {
        Training.rehearse(java.time.Duration.ofSeconds(1), cancelled);
    }

    @Override
    public Map<String, ShimAction> actions() {
        return Map.of("train", flags -> Training.run());
    }
}
