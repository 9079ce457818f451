package io.rune.shim.frame;

import io.rune.shim.sys.Posix;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

/**
 * The second spare behind the one on the control socket (docs/launcher.md, "Spare daemons"): it
 * boots and rehearses while the first waits, then waits for its cue on a pipe. Adopted, the first
 * cues it and it takes the control socket over at once, warm; a spare spawned on adoption would
 * still be a young JVM when the next start comes (back-to-back starts here: 190-220 ms against
 * 105-130 ms with a warm spare). The pipe's write end stays with the first spare:
 * <ul>
 *   <li>{@link #GO}: the first was adopted, take over;</li>
 *   <li>{@link #RETIRE}: the first retired (idle, another environment, SIGTERM), leave as well;</li>
 *   <li>end of file: the first died without a word, take over (nobody else accepts there).</li>
 * </ul>
 */
final class Understudy {
    /** Set for an understudy: the fd number of its cue pipe's read end. */
    static final String CUE_VARIABLE = "RUNE_SHIM_SPARE_CUE";
    static final int CUE_FD = 3;
    static final byte GO = 'G', RETIRE = 'R';

    /** What an understudy read on its cue pipe. */
    enum Cue { TAKE_OVER, RETIRE, ORPHANED }

    private final int pid;
    private int cueFd;

    /** An understudy already spawned, cued through {@code cueFd} (the write end of its pipe). */
    Understudy(int pid, int cueFd) {
        this.pid = pid;
        this.cueFd = cueFd;
    }

    /**
     * Spawns the understudy of the spare serving {@code controlFd} (not consumed here).
     * @param env containerd's environment as the spare got it
     */
    static Understudy spawn(Relaunch relaunch, Flags flags, int controlFd, long inode, Duration idle,
                            Map<String, String> env) throws IOException {
        int[] pipe = Posix.pipe();
        try {
            int pid = SpareSpawn.spawn(relaunch, flags, controlFd, inode, idle, env, pipe[0]);
            return new Understudy(pid, pipe[1]);
        } catch (IOException | RuntimeException e) {
            Posix.closeQuietly(pipe[1]);
            throw e;
        } finally {
            Posix.closeQuietly(pipe[0]);
        }
    }

    int pid() {
        return pid;
    }

    /** Tells it to take over; false when it is gone (the write failed: EPIPE), and someone else must. */
    synchronized boolean cue() {
        return send(GO);
    }

    /** Tells it to leave with the spare it stood in for; a gone understudy needs nothing. */
    synchronized void dismiss() {
        send(RETIRE);
    }

    private boolean send(byte word) {
        if (cueFd < 0) return false;
        try {
            Posix.writeFully(cueFd, new byte[] {word});
            return true;
        } catch (IOException e) {
            return false;
        } finally {
            Posix.closeQuietly(cueFd);
            cueFd = -1;
        }
    }

    /**
     * The understudy's side: blocks until its cue comes (the rehearsal goes on meanwhile), then
     * closes the pipe.
     */
    static Cue await(int fd) {
        byte[] b = new byte[1];
        try {
            int n = Posix.read(fd, b, 0, 1);
            if (n <= 0) return Cue.ORPHANED;
            return b[0] == RETIRE ? Cue.RETIRE : Cue.TAKE_OVER;
        } catch (IOException e) {
            return Cue.ORPHANED;
        } finally {
            Posix.closeQuietly(fd);
        }
    }
}
