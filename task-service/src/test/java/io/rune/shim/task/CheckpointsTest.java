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

    @Test
    void criuErrorReadsLikeTheGoShim() {
        RuneException e = new RuneException("checkpoint", "criu failed: type DUMP errno 0\nlog file: /b/work/criu-work/dump.log", 1);
        assertEquals("rune did not terminate successfully: exit status 1: criu failed: type DUMP errno 0",
                Checkpoints.criuError("rune", e));
    }
}
