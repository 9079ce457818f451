package io.rune.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.api.Anys;
import io.rune.shim.api.task.CheckpointTaskRequest;
import io.rune.shim.runc.CheckpointOptions;
import io.rune.shim.runc.RuneException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Checkpoint through rune (CRIU), and the image a Create restores from. Options come as
 * {@code containerd.runc.v1.CheckpointOptions} or the older {@code containerd.linux.runc.CheckpointOptions}
 * (fields 8/9 swapped). On failure CRIU's dump.log is kept as {@code <bundle>/criu-dump.log} and named in
 * the error. The image paths of the options win over the request's paths (docs/protocol.md §1.3):
 * containerd turns them into the request's path only for runtime names starting io.containerd.runc, and
 * hands any other runtime a temp dir of its own there.
 */
final class Checkpoints {
    static final String RUNC_V1 = "containerd.runc.v1.CheckpointOptions";
    static final String LEGACY = "containerd.linux.runc.CheckpointOptions";

    private Checkpoints() {}

    static void checkpoint(Container c, CheckpointTaskRequest r) throws IOException, InterruptedException {
        Path defaultWork = c.bundle.workDir().resolve("criu-work");
        CheckpointOptions o = options(r, defaultWork.toString());
        Path work = Path.of(o.workPath());
        try {
            c.rune.checkpoint(c.id, o);
        } catch (RuneException e) {
            Path dumpLog = c.bundle.criuDumpLog();
            Path criuLog = work.resolve("dump.log");
            if (Files.exists(criuLog)) Files.copy(criuLog, dumpLog, StandardCopyOption.REPLACE_EXISTING);
            throw ShimError.unknown(criuError(c.rune.config().binary(), e) + " path= " + dumpLog);
        } finally {
            if (work.equals(defaultWork)) removeTree(work);
        }
    }

    /** The Go shim's wording: the CLI's exit and CRIU's complaint, without the pointer to CRIU's own log. */
    static String criuError(String binary, RuneException e) {
        String msg = e.runeMessage();
        int cut = msg.indexOf("log file:");
        if (cut >= 0) msg = msg.substring(0, cut);
        msg = String.join(" ", msg.trim().split("\\s+"));
        return binary + " did not terminate successfully: exit status " + e.status() + ": " + msg;
    }

    /** Rune options from the request; image path from the options, else the request's; work path defaults to the bundle's. */
    static CheckpointOptions options(CheckpointTaskRequest r, String defaultWork) {
        Any any = r.hasOptions() ? r.getOptions() : Any.getDefaultInstance();
        String type = Anys.typeName(any.getTypeUrl());
        try {
            return switch (type) {
                case "" -> new CheckpointOptions(r.getPath(), defaultWork, "", true, false, false, false, false,
                        java.util.List.of());
                case RUNC_V1 -> {
                    var o = io.rune.shim.api.runc.CheckpointOptions.parseFrom(any.getValue());
                    yield new CheckpointOptions(image(r, o.getImagePath()), orDefault(o.getWorkPath(), defaultWork), "",
                            !o.getExit(), o.getOpenTcp(), o.getExternalUnixSockets(), o.getTerminal(), o.getFileLocks(),
                            o.getEmptyNamespacesList());
                }
                case LEGACY -> {
                    var o = io.rune.shim.api.runc.legacy.CheckpointOptions.parseFrom(any.getValue());
                    yield new CheckpointOptions(image(r, o.getImagePath()), orDefault(o.getWorkPath(), defaultWork), "",
                            !o.getExit(), o.getOpenTcp(), o.getExternalUnixSockets(), o.getTerminal(), o.getFileLocks(),
                            o.getEmptyNamespacesList());
                }
                default -> throw ShimError.invalidArgument("unsupported checkpoint options type " + any.getTypeUrl()
                        + " (accepted: " + RUNC_V1 + ", " + LEGACY + ")");
            };
        } catch (InvalidProtocolBufferException e) {
            throw ShimError.invalidArgument("cannot decode checkpoint options: " + e.getMessage());
        }
    }

    /** The user's image path (options) over containerd's temp dir (path), which then stays empty. */
    private static String image(CheckpointTaskRequest r, String fromOptions) {
        return fromOptions.isEmpty() ? r.getPath() : fromOptions;
    }

    /**
     * The image a Create restores from at Start: the options' criu_image_path when set (the Go client's
     * WithRestoreImagePath; containerd passes it as the checkpoint only for io.containerd.runc* names),
     * else the request's checkpoint (a content-store checkpoint containerd unpacked). Empty: no restore.
     */
    static String restoreImage(String requestCheckpoint, RuntimeOptions o) {
        return o.criuImagePath().isEmpty() ? requestCheckpoint : o.criuImagePath();
    }

    private static String orDefault(String v, String d) {
        return v == null || v.isEmpty() ? d : v;
    }

    private static void removeTree(Path p) {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // best effort: a leftover work dir is harmless
        }
    }
}
