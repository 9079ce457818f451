package io.rune.shim.frame;

import static org.junit.jupiter.api.Assertions.*;

import io.rune.shim.sys.Posix;
import org.junit.jupiter.api.Test;

/** The cue pipe between a spare and its understudy: what each word (or none) means at the other end. */
class UnderstudyTest {

    @Test
    void anAdoptedSparesCueMakesItsUnderstudyTakeOver() throws Exception {
        int[] p = Posix.pipe();
        Understudy u = new Understudy(1, p[1]);
        assertTrue(u.cue());
        assertEquals(Understudy.Cue.TAKE_OVER, Understudy.await(p[0]));
        assertFalse(u.cue(), "one cue per understudy: the pipe is closed after it");
    }

    @Test
    void aRetiringSpareDismissesItsUnderstudy() throws Exception {
        int[] p = Posix.pipe();
        new Understudy(1, p[1]).dismiss();
        assertEquals(Understudy.Cue.RETIRE, Understudy.await(p[0]));
    }

    @Test
    void aSpareGoneWithoutAWordLeavesItsUnderstudyInCharge() throws Exception {
        int[] p = Posix.pipe();
        Posix.close(p[1]); // the spare's process died: its write end closed with nothing written
        assertEquals(Understudy.Cue.ORPHANED, Understudy.await(p[0]));
    }

    @Test
    void aGoneUnderstudyCannotBeCuedSoTheSpareSpawnsTheNextItself() throws Exception {
        int[] p = Posix.pipe();
        Posix.close(p[0]); // the understudy's process died
        assertFalse(new Understudy(1, p[1]).cue(), "EPIPE: someone else must take the control socket");
    }
}
