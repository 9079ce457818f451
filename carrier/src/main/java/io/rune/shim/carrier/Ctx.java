package io.rune.shim.carrier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of one carrier run: what was changed, so that a failure can undo it (config.json
 * bytes, files placed in the rootfs, the workspace), and the step runner that times and logs
 * every step and turns its failures into {@link CarrierException}s naming the step.
 */
final class Ctx {
    private static final Logger LOG = LoggerFactory.getLogger(Carrier.class);
    private static final int MAX_TOOL_OUTPUT = 4000;

    @FunctionalInterface
    interface Body<T> {
        T run() throws Exception;
    }

    final String id;
    final CarrierKind kind;
    final CarrierRequest request;
    final BundleSpec spec;
    CarrierConfig config = CarrierConfig.defaults();
    private Path workspace;
    private Placement placement;

    Ctx(CarrierRequest request, CarrierKind kind, BundleSpec spec) {
        this.id = request.containerId();
        this.kind = kind;
        this.request = request;
        this.spec = spec;
    }

    /** The container's root file system as config.json names it (root.path). */
    Path rootfs() {
        return spec.rootfs();
    }

    private String prefix(String step) {
        return kind.value() + " carrier, step " + step + ": ";
    }

    /** Runs one step: logs its duration, and on failure its error, as a CarrierException naming the step. */
    <T> T step(String name, Body<T> body) throws CarrierException, InterruptedException {
        long t0 = System.nanoTime();
        try {
            T r = body.run();
            LOG.info("id={} carrier={} step={} took={}ms", id, kind.value(), name, ms(t0));
            return r;
        } catch (CarrierException e) {
            LOG.warn("id={} carrier={} step={} failed after {}ms: {}", id, kind.value(), name, ms(t0), e.getMessage());
            if (e.getMessage() != null && e.getMessage().startsWith(kind.value() + " carrier, step ")) throw e;
            throw new CarrierException(e.reason(), prefix(name) + e.getMessage(), e.getCause());
        } catch (InterruptedException e) {
            LOG.warn("id={} carrier={} step={} interrupted after {}ms", id, kind.value(), name, ms(t0));
            throw e;
        } catch (Exception e) {
            LOG.warn("id={} carrier={} step={} failed after {}ms: {}", id, kind.value(), name, ms(t0), e.toString());
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            throw CarrierException.failed(prefix(name) + msg, e);
        }
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Runs a tool; a non-zero exit is a failure carrying its stderr (or stdout when stderr is empty). */
    CommandRunner.Result tool(List<String> argv, Path cwd) throws CarrierException, InterruptedException {
        CommandRunner.Result r;
        String what = argv.size() > 1 && !argv.get(1).startsWith("-") ? argv.get(0) + " " + argv.get(1) : argv.get(0);
        try {
            r = request.runner().run(new CommandRunner.Command(argv, cwd, config.enclaveRuntime().toolTimeout()));
        } catch (IOException e) {
            throw CarrierException.failed("cannot run " + argv.get(0) + " (tool paths come from "
                    + request.configToml() + "): " + e.getMessage(), e);
        }
        if (r.timedOut()) {
            throw CarrierException.failed(what + " did not finish within "
                    + config.enclaveRuntime().toolTimeout().toSeconds() + "s ([enclave_runtime] tool_timeout_seconds) and was killed"
                    + output(r), null);
        }
        if (r.exitCode() != 0) throw CarrierException.failed(what + " exited with status " + r.exitCode() + output(r), null);
        return r;
    }

    private static String output(CommandRunner.Result r) {
        String s = r.stderrText().strip();
        if (s.isEmpty()) s = r.stdoutText().strip();
        if (s.isEmpty()) return "";
        if (s.length() > MAX_TOOL_OUTPUT) s = "..." + s.substring(s.length() - MAX_TOOL_OUTPUT);
        return ": " + s;
    }

    /** The per-container build directory under {@code [enclave_runtime] work_dir}; removed at the end. */
    Path workspace() throws IOException {
        if (workspace == null) {
            Path root = Path.of(config.enclaveRuntime().workDir());
            Files.createDirectories(root);
            String safe = id.replaceAll("[^A-Za-z0-9_.-]", "_");
            if (safe.length() > 64) safe = safe.substring(0, 64);
            workspace = Files.createTempDirectory(root, "rune-carrier-" + safe + "-");
        }
        return workspace;
    }

    /** Places {@code names} from {@code srcDir} into the rootfs at {@code containerDir}, owned by the process user. */
    Path place(Path srcDir, List<String> names, String containerDir) throws IOException, CarrierException {
        Path dest = Trees.resolveIn(rootfs(), containerDir).hostPath();
        int uid = spec.hostId(spec.uid(), "uidMappings"), gid = spec.hostId(spec.gid(), "gidMappings");
        if (uid < 0 || gid < 0) throw CarrierException.invalid("process.user " + spec.uid() + ":" + spec.gid() + " is outside the user namespace mappings");
        placement = Placement.place(id, srcDir, names, dest, uid, gid);
        return dest;
    }

    void setEnv(Map<String, String> vars) throws IOException {
        spec.setEnv(vars);
    }

    void commit() {
        if (placement != null) placement.commit();
    }

    /** Undoes every change; logs what cannot be undone. */
    void rollback() {
        if (placement != null) placement.rollback();
        placement = null;
        try {
            spec.restore();
        } catch (IOException e) {
            LOG.error("id={} carrier={} cannot restore {}: {}", id, kind.value(), spec.file(), e.getMessage());
        }
    }

    void removeWorkspace() {
        if (workspace == null) return;
        try {
            Trees.delete(workspace);
        } catch (IOException e) {
            LOG.warn("id={} carrier={} cannot remove workspace {}: {}", id, kind.value(), workspace, e.getMessage());
        }
        workspace = null;
    }
}
