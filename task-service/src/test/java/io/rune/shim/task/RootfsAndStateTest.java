package io.rune.shim.task;

import io.rune.shim.api.Code;
import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.runc.RuneException;
import io.rune.shim.sys.Mounts;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RootfsAndStateTest {
    @Test
    void mountOptionsSplitIntoFlagsAndData() {
        Rootfs.Parsed p = Rootfs.parse(List.of("index=off", "workdir=/w", "upperdir=/u", "lowerdir=/l", "ro", "nosuid"));
        assertEquals(Mounts.MS_RDONLY | Mounts.MS_NOSUID, p.flags());
        assertEquals("index=off,workdir=/w,upperdir=/u,lowerdir=/l", p.data());
        assertEquals(Mounts.MS_BIND | Mounts.MS_REC, Rootfs.parse(List.of("rbind", "rw")).flags());
        assertEquals(0, Rootfs.parse(List.of("ro", "rw", "defaults")).flags());
    }

    @Test
    void wrongStateMessagesMatchTheGoShim() {
        assertEquals("cannot start a running process",
                assertThrows(ShimError.class, () -> new InitState.Running().start()).getMessage());
        assertEquals("cannot start a stopped process",
                assertThrows(ShimError.class, () -> new InitState.Stopped().start()).getMessage());
        ShimError e = assertThrows(ShimError.class, () -> new InitState.Running().delete());
        assertEquals("cannot delete a running process", e.getMessage());
        assertEquals(Code.UNKNOWN, e.code());
        assertEquals(Code.NOT_FOUND, assertThrows(ShimError.class, () -> new InitState.Deleted().delete()).code());
        assertInstanceOf(InitState.Deleted.class, new InitState.Created().delete());
        assertInstanceOf(InitState.Deleted.class, new InitState.Stopped().delete());
        assertEquals(Code.NOT_FOUND, assertThrows(ShimError.class, () -> new ExecState.Deleted().delete()).code());
        assertEquals("cannot delete a running process",
                assertThrows(ShimError.class, () -> new ExecState.Running().delete()).getMessage());
    }

    @Test
    void killErrorsAreClassifiedLikeTheGoShim() {
        assertEquals("process already finished: not found",
                RuneCalls.killError(new RuneException("kill", "container not running", 1)).getMessage());
        assertEquals(Code.NOT_FOUND, RuneCalls.killError(new RuneException("kill", "container not running", 1)).code());
        assertEquals("no such container: not found",
                RuneCalls.killError(new RuneException("kill", "container \"x\" does not exist", 1)).getMessage());
        ShimError other = RuneCalls.killError(new RuneException("kill", "unknown signal \"BOGUS\"", 1));
        assertEquals(Code.UNKNOWN, other.code());
        assertTrue(other.getMessage().startsWith("unknown error after kill: OCI runtime kill failed"));
    }

    @Test
    void exitReapedBeforeThePidIsKnownIsDeliveredOnClaim() throws Exception {
        ExitRouter r = new ExitRouter();
        ProcessExit early = new ProcessExit(4242, 3, Instant.now());
        r.onExit(early);
        CompletableFuture<ProcessExit> got = new CompletableFuture<>();
        r.claim(4242, got::complete);
        assertEquals(early, got.get(5, TimeUnit.SECONDS));
    }

    @Test
    void exitAfterClaimGoesToTheOwnerOnceAndReleaseDropsIt() throws Exception {
        ExitRouter r = new ExitRouter();
        CompletableFuture<ProcessExit> got = new CompletableFuture<>();
        r.claim(7, got::complete);
        ProcessExit e = new ProcessExit(7, 137, Instant.now());
        r.onExit(e);
        assertEquals(e, got.get(5, TimeUnit.SECONDS));
        CompletableFuture<ProcessExit> released = new CompletableFuture<>();
        r.claim(8, released::complete);
        r.release(8);
        r.onExit(new ProcessExit(8, 0, Instant.now()));
        Thread.sleep(100);
        assertFalse(released.isDone());
    }

    /** An exit kept for a pid nobody claimed in time is not handed to a later owner of a reused pid. */
    @Test
    void staleUnclaimedExitIsNotDelivered() throws Exception {
        ExitRouter r = new ExitRouter();
        r.onExit(new ProcessExit(4343, 1, Instant.now().minusSeconds(60)));
        CompletableFuture<ProcessExit> got = new CompletableFuture<>();
        r.claim(4343, got::complete);
        Thread.sleep(100);
        assertFalse(got.isDone());
        ProcessExit fresh = new ProcessExit(4343, 0, Instant.now());
        r.onExit(fresh);
        assertEquals(fresh, got.get(5, TimeUnit.SECONDS));
    }

    /** An exit reaped before the owner's rune call began belonged to an earlier process with that pid. */
    @Test
    void exitFromBeforeTheSpawnIsNotDelivered() throws Exception {
        ExitRouter r = new ExitRouter();
        Instant spawned = Instant.now();
        r.onExit(new ProcessExit(4444, 1, spawned.minusMillis(500)));
        CompletableFuture<ProcessExit> got = new CompletableFuture<>();
        r.claim(4444, spawned, got::complete);
        Thread.sleep(100);
        assertFalse(got.isDone());
        ProcessExit own = new ProcessExit(4444, 0, Instant.now());
        r.onExit(own);
        assertEquals(own, got.get(5, TimeUnit.SECONDS));
    }

    @Test
    void zeroTimeIsGosZeroTime() {
        assertEquals(-62135596800L, Timestamps.ZERO.getSeconds());
        assertEquals(0, Timestamps.ZERO.getNanos());
        assertEquals(Timestamps.ZERO, Timestamps.of(null));
    }
}
