package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.Linker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors read as the C library words them, name call and path, and keep the number for tests in code. */
class SysErrorTest {

    @Test
    void openOfAMissingPathNamesCallPathAndDescription() {
        SysException e = assertThrows(SysException.class, () -> Posix.open("/proc/nope/x.log", Posix.O_RDONLY, 0));
        assertEquals("open /proc/nope/x.log: no such file or directory", e.getMessage());
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open", e.call());
        assertEquals("/proc/nope/x.log", e.subject());
    }

    @Test
    void spawnOfANonExecutableFormatSaysExecFormatError(@TempDir Path dir) throws Exception {
        Path junk = dir.resolve("junk");
        Files.write(junk, new byte[] {0x7f, 'N', 'O', 'P', 1, 2, 3, 4});
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rwx------"));
        SysException e = assertThrows(SysException.class, () -> Spawner.spawn(new SpawnRequest(List.of(junk.toString()),
                List.of(), null, List.of(), false, false)));
        assertEquals(8, e.errno());
        assertEquals("ENOEXEC", e.errnoName(), "a name the Errno table lacks comes from the C library");
        assertEquals("posix_spawn " + junk + ": exec format error", e.getMessage());
    }

    @Test
    void fdCallsNameTheFd() throws Exception {
        int[] p = Posix.pipe();
        Posix.close(p[0]);
        Posix.close(p[1]);
        SysException e = assertThrows(SysException.class, () -> Posix.close(p[0]));
        assertEquals("close fd " + p[0] + ": bad file descriptor", e.getMessage());
        assertEquals(Errno.EBADF, e.errno());
    }

    @Test
    void descriptionsAreTheCLibrarysLowerCased() {
        assertEquals("operation not permitted", Errno.description(Errno.EPERM));
        assertEquals("input/output error", Errno.description(Errno.EIO));
        assertEquals("address already in use", Errno.description(Errno.EADDRINUSE));
        assertEquals("too many open files", new SysException("pipe2", null, 24).getMessage().substring("pipe2: ".length()));
        assertEquals("pipe2: too many open files", new SysException("pipe2", "", 24).getMessage());
    }

    @Test
    void unknownNumbersStillSaySomething() {
        assertEquals("errno 4095", Errno.description(4095));
        assertEquals("errno 4095", Errno.name(4095));
        assertEquals("kill 1 0: errno 4095", new SysException("kill", "1 0", 4095).getMessage());
    }

    @Test
    void strerrorFallbackAgreesAndKnowsWhatItDoesNotKnow() {
        // the path C libraries without strerrordesc_np take (the tests run in the C locale)
        assertEquals("no such file or directory", ErrnoText.lowerFirst(ErrnoText.strerror(Errno.ENOENT)));
        assertNull(ErrnoText.strerror(4095));
    }

    @Test
    void onlyASentenceStartIsLowerCased() {
        assertEquals("exec format error", ErrnoText.lowerFirst("Exec format error"));
        assertEquals("RPC struct is bad", ErrnoText.lowerFirst("RPC struct is bad"));
        assertEquals("", ErrnoText.lowerFirst(""));
    }

    // --- the one downcall helper, driven by fake calls that set errno as libc would ---

    private static final long ERRNO_OFFSET =
            Linker.Option.captureStateLayout().byteOffset(MemoryLayout.PathElement.groupElement("errno"));

    /** A fake downcall answering from a script of (result, errno) pairs, counting its calls. */
    private static final class Script implements Native.ErrnoCall {
        final Deque<long[]> answers = new ArrayDeque<>();
        int calls;

        Script then(long result, int errno) {
            answers.add(new long[] {result, errno});
            return this;
        }

        @Override
        public long invoke(MemorySegment st) {
            calls++;
            long[] a = answers.removeFirst();
            st.set(ValueLayout.JAVA_INT, ERRNO_OFFSET, (int) a[1]);
            return a[0];
        }
    }

    @Test
    void callRunsAgainAfterEintrAndReturnsTheResult() throws Exception {
        Script s = new Script().then(-1, Errno.EINTR).then(-1, Errno.EINTR).then(42, 0);
        assertEquals(42, Native.call("read", "fd 3", s));
        assertEquals(3, s.calls);
    }

    @Test
    void callTurnsOtherErrnosIntoSysException() {
        Script s = new Script().then(-1, Errno.EINTR).then(-1, Errno.EAGAIN);
        SysException e = assertThrows(SysException.class, () -> Native.call("read", "fd 3", s));
        assertEquals(Errno.EAGAIN, e.errno());
        assertEquals("read fd 3: resource temporarily unavailable", e.getMessage());
        assertEquals(2, s.calls);
    }

    @Test
    void attemptRunsOnceAndAnswersMinusErrno() {
        Script s = new Script().then(-1, Errno.EINTR);
        assertEquals(-Errno.EINTR, Native.attempt(s));
        assertEquals(1, s.calls);
        assertEquals(0, Native.attempt(new Script().then(0, Errno.ENOENT)), "errno is only read on failure");
    }

    @Test
    void callReturningErrnoTakesTheResultAsErrno() throws Exception {
        Native.callReturningErrno("posix_spawnattr_init", null, () -> 0);
        SysException e = assertThrows(SysException.class,
                () -> Native.callReturningErrno("posix_spawn", "/x", () -> Errno.EACCES));
        assertEquals(Errno.EACCES, e.errno());
        assertEquals("posix_spawn /x: permission denied", e.getMessage());
    }

    @Test
    void failuresOfTheDowncallItselfAreUnchecked() {
        Exception checked = new Exception("link");
        IllegalStateException ise = assertThrows(IllegalStateException.class, () -> Native.invoke(() -> {
            throw checked;
        }));
        assertSame(checked, ise.getCause());
        IllegalArgumentException iae = new IllegalArgumentException("bad");
        assertSame(iae, assertThrows(IllegalArgumentException.class, () -> Native.call("x", null, st -> {
            throw iae;
        })));
        StackOverflowError err = new StackOverflowError();
        assertSame(err, assertThrows(StackOverflowError.class, () -> Native.attempt(st -> {
            throw err;
        })));
    }
}
