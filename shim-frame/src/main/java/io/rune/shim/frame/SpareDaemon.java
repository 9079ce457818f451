package io.rune.shim.frame;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.ProcessTitle;
import io.rune.shim.sys.Prelink;
import io.rune.shim.ttrpc.PeerCheck;
import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spare}: a daemon started ahead of need (docs/launcher.md, "Spare daemons"). It warms up
 * (classes, native links, message descriptors), then waits on the control socket it was handed as
 * fd 0. The start of a new group adopts it: it becomes that group's daemon, exactly as if {@code
 * start} had spawned it, and its {@link Understudy}, warm by then, takes its place. Unused for its
 * idle time, it exits, and its understudy with it.
 */
final class SpareDaemon {
    private static final Logger LOG = LoggerFactory.getLogger(SpareDaemon.class);

    private SpareDaemon() {}

    /** Returns when the spare retired, or when the daemon it became is done. */
    static void run(Flags flags, ShimManager manager, long started) throws Exception {
        Channel inherited = System.inheritedChannel();
        if (!(inherited instanceof ServerSocketChannel control)) {
            throw new IOException("spare: no listening control socket on fd 0");
        }
        String idleText = System.getenv(SpareSpawn.IDLE_VARIABLE);
        Duration idle = idleText == null || idleText.isEmpty() ? StartOptions.DEFAULT_LINGER : StartOptions.parseDuration(idleText);
        String inodeText = System.getenv(SpareSpawn.INODE_VARIABLE);
        long inode = inodeText == null || inodeText.isEmpty() ? -1 : Long.parseLong(inodeText);
        Logging.configure(flags.debug(), flags.namespace(), manager.name());
        // what a cold daemon does while the JVM comes up, done before any group needs it
        Prelink.inBackground(false);
        Thread warm = Thread.ofPlatform().name("warm-up").daemon(true).start(() -> {
            io.rune.shim.api.events.ForwardRequest.getDefaultInstance();
            manager.warmUp();
        });
        Path controlPath = ControlSocket.path(flags.address(), flags.namespace());
        SpareControl spare = new SpareControl(flags, manager, controlPath, inode, idle, System.getenv());
        // SIGTERM to a waiting spare: leave as an idle one does, control socket removed if still its own
        Runtime.getRuntime().addShutdownHook(new Thread(spare::retire, "spare-retire"));
        long ready = System.nanoTime();
        // the rehearsal runs while the spare waits, and stops when a group adopts it
        Thread.ofPlatform().name("rehearsal").daemon(true).start(() -> {
            try {
                warm.join();
                manager.rehearse(spare::adopted);
            } catch (java.util.concurrent.CancellationException e) {
                LOG.debug("call=spare rehearsal cut short: {}", e.getMessage());
            } catch (Exception e) {
                LOG.warn("call=spare rehearsal failed (serving anyway): {}", e.toString());
            }
        });
        String cue = System.getenv(Understudy.CUE_VARIABLE);
        if (cue != null && !cue.isEmpty()) {
            // an understudy serves once the spare before it is adopted or gone (Understudy)
            Understudy.Cue c = Understudy.await(Integer.parseInt(cue));
            if (c == Understudy.Cue.RETIRE) {
                spare.retire();
                return;
            }
            LOG.debug("call=spare takes the control socket over ({}) {} ms after it was ready", c,
                    (System.nanoTime() - ready) / 1_000_000);
        }
        long serving = System.nanoTime();
        spare.serving(ControlServer.serve(control, controlPath, spare, PeerCheck.sameUser(), manager.name()));
        SpareControl.Adoption a = spare.awaitAdoption();
        if (a == null) return;
        long adopted = System.nanoTime();
        warm.join();
        LogFifo.redirectStderr(a.bundle());
        Logging.configure(a.flags().debug(), a.flags().namespace(), manager.name());
        showAsDaemon(manager, a.flags());
        LOG.info("id={} call=spare adopted for the group of socket {} (spare ready {} ms after main, serving {} ms after, "
                        + "adopted {} ms after that; start answered in {} ms; understudy {})", a.flags().id(), a.flags().socket(),
                (ready - started) / 1_000_000, (serving - ready) / 1_000_000, (adopted - serving) / 1_000_000,
                a.tookNanos() / 1_000_000, spare.understudyText());
        try {
            // as a daemon that start spawned in the bundle: children without a cwd of their own (a binary:// logger) get it
            Posix.chdir(a.bundle().toString());
        } catch (IOException e) {
            LOG.warn("id={} call=spare chdir {}: {}", a.flags().id(), a.bundle(), e.getMessage());
        }
        new Daemon(a.flags(), manager, new long[] {adopted, adopted, System.nanoTime()}, a.listener(), a.env()).run();
    }

    /**
     * ps shows the flags of the group it serves, as for a daemon that start spawned: after the
     * installed launcher's path (or the JVM's, without its options: the new line must fit the old).
     */
    private static void showAsDaemon(ShimManager manager, Flags f) {
        List<String> argv = new ArrayList<>(List.of(Launcher.command(manager.relaunch()).getFirst()));
        argv.addAll(List.of("-namespace", f.namespace(), "-id", f.id(), "-address", f.address(), "-socket", f.socket()));
        if (f.debug()) argv.add("-debug");
        try {
            ProcessTitle.set(argv);
        } catch (IOException e) {
            LOG.info("id={} call=spare command line unchanged: {}", f.id(), e.getMessage());
        }
    }
}
