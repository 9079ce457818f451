package io.rune.shim.task;

import static org.junit.jupiter.api.Assertions.*;

import com.google.protobuf.Any;
import io.rune.shim.api.task.CheckpointTaskRequest;
import io.rune.shim.runc.CheckpointOptions;
import io.rune.shim.runc.RuneException;
import java.util.List;
import org.junit.jupiter.api.Test;

class CheckpointsTest {
    @Test
    void runcV1OptionsMapToRuneFlags() {
        var o = io.rune.shim.api.runc.CheckpointOptions.newBuilder().setExit(true).setOpenTcp(true).setTerminal(true)
                .addEmptyNamespaces("network").setWorkPath("/w").build();
        CheckpointOptions c = Checkpoints.options(CheckpointTaskRequest.newBuilder().setPath("/img")
                .setOptions(Any.newBuilder().setTypeUrl("containerd.runc.v1.CheckpointOptions").setValue(o.toByteString()))
                .build(), "/b/work/criu-work");
        assertEquals(new CheckpointOptions("/img", "/w", "", false, true, false, true, false, List.of("network")), c);
    }

    /** The older message has image/work paths in fields 9/8 (swapped against containerd.runc.v1). */
    @Test
    void legacyOptionsAndDefaults() {
        var o = io.rune.shim.api.runc.legacy.CheckpointOptions.newBuilder().setImagePath("/i").setWorkPath("/w2")
                .setFileLocks(true).build();
        CheckpointOptions c = Checkpoints.options(CheckpointTaskRequest.newBuilder()
                .setOptions(Any.newBuilder().setTypeUrl("containerd.linux.runc.CheckpointOptions").setValue(o.toByteString()))
                .build(), "/d");
        assertEquals("/i", c.imagePath());
        assertEquals("/w2", c.workPath());
        assertTrue(c.fileLocks());
        assertTrue(c.leaveRunning());
        CheckpointOptions d = Checkpoints.options(CheckpointTaskRequest.newBuilder().setPath("/p").build(), "/d");
        assertEquals(new CheckpointOptions("/p", "/d", "", true, false, false, false, false, List.of()), d);
        assertThrows(ShimError.class, () -> Checkpoints.options(CheckpointTaskRequest.newBuilder()
                .setOptions(Any.newBuilder().setTypeUrl("x.Y")).build(), "/d"));
    }

    /** containerd hands a non-runc runtime name its own temp dir as path; the options' image path wins. */
    @Test
    void imagePathOfTheOptionsWinsOverTheRequestPath() {
        var v1 = io.rune.shim.api.runc.CheckpointOptions.newBuilder().setImagePath("/user").build();
        CheckpointOptions c = Checkpoints.options(CheckpointTaskRequest.newBuilder().setPath("/tmp/ctd-checkpoint1")
                .setOptions(Any.newBuilder().setTypeUrl("containerd.runc.v1.CheckpointOptions").setValue(v1.toByteString()))
                .build(), "/d");
        assertEquals("/user", c.imagePath());
        var legacy = io.rune.shim.api.runc.legacy.CheckpointOptions.newBuilder().setImagePath("/user2").build();
        CheckpointOptions l = Checkpoints.options(CheckpointTaskRequest.newBuilder().setPath("/tmp/ctd-checkpoint2")
                .setOptions(Any.newBuilder().setTypeUrl("containerd.linux.runc.CheckpointOptions").setValue(legacy.toByteString()))
                .build(), "/d");
        assertEquals("/user2", l.imagePath());
        assertEquals("/d", l.workPath());
        // options without an image path: containerd's path (a runc name's image path arrives there)
        CheckpointOptions p = Checkpoints.options(CheckpointTaskRequest.newBuilder().setPath("/p")
                .setOptions(Any.newBuilder().setTypeUrl("containerd.runc.v1.CheckpointOptions")).build(), "/d");
        assertEquals("/p", p.imagePath());
    }

    @Test
    void restoreImageFromTheOptionsOrTheRequest() {
        RuntimeOptions none = RuntimeOptions.DEFAULTS;
        RuntimeOptions withImage = new RuntimeOptions("", "", false, false, "", 0, 0, "", false, "/user/img", "", "");
        assertEquals("", Checkpoints.restoreImage("", none));
        assertEquals("/tmp/ctrd-checkpoint1", Checkpoints.restoreImage("/tmp/ctrd-checkpoint1", none));
        assertEquals("/user/img", Checkpoints.restoreImage("", withImage));
        assertEquals("/user/img", Checkpoints.restoreImage("/tmp/ctrd-checkpoint1", withImage),
                "criu_image_path wins, as containerd decides for runc names");
    }

    @Test
    void criuErrorReadsLikeTheGoShim() {
        RuneException e = new RuneException("checkpoint", "criu failed: type DUMP errno 0\nlog file: /b/work/criu-work/dump.log", 1);
        assertEquals("rune did not terminate successfully: exit status 1: criu failed: type DUMP errno 0",
                Checkpoints.criuError("rune", e));
    }
}
