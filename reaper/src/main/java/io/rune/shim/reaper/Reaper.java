package io.rune.shim.reaper;

import io.rune.shim.sys.Posix;
import io.rune.shim.sys.SpawnRequest;
import io.rune.shim.sys.Spawner;
import io.rune.shim.sys.SysException;
import io.rune.shim.sys.WaitStatus;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single owner of wait(2) in this process. One platform thread blocks in wait4(-1) and
 * routes every exit: to the {@link Child} of a process we spawned, else to the listeners.
 *
 * <p>Spawning and routing share one lock, so a child's future is registered before its exit can
 * be routed even when the child exits before posix_spawn returns (the "subscribe before
 * spawn" rule of the Go shim, in one step).
 */
public final class Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    private final Object lock = new Object();
    private final Map<Integer, CompletableFuture<Exit>> spawned = new HashMap<>();
    private final List<ExitListener> listeners = new CopyOnWriteArrayList<>();
    private long spawnGeneration;
    private final Thread thread;

    private Reaper() {
        thread = Thread.ofPlatform().name("reaper").daemon(true).unstarted(this::loop);
    }

    /** Becomes a child subreaper and starts reaping. */
    public static Reaper start() throws SysException {
        Posix.setChildSubreaper();
        Reaper r = new Reaper();
        r.thread.start();
        return r;
    }

    public void addListener(ExitListener listener) {
        listeners.add(listener);
    }

    /** Spawns a child whose exit is delivered only to the returned {@link Child}. */
    public Child spawn(SpawnRequest request) throws SysException {
        synchronized (lock) {
            int pid = Spawner.spawn(request);
            CompletableFuture<Exit> f = new CompletableFuture<>();
            spawned.put(pid, f);
            spawnGeneration++;
            lock.notifyAll();
            return new Child(pid, f);
        }
    }

    /**
     * Tells the reaper that children may exist that it did not spawn (for instance after
     * adopting orphans), so that it goes back to waiting.
     */
    public void wake() {
        synchronized (lock) {
            spawnGeneration++;
            lock.notifyAll();
        }
    }

    private void loop() {
        long seen = -1;
        while (true) {
            WaitStatus ws;
            try {
                ws = Posix.waitAnyChild();
            } catch (SysException e) {
                LOG.error("call=reap wait4 failed: {}", e.getMessage());
                ws = null;
            }
            if (ws == null) {
                // No children: sleep until something is spawned. The timeout is a safety net for
                // orphans re-parented to us without a spawn of ours (should not happen).
                synchronized (lock) {
                    if (seen == spawnGeneration) {
                        try {
                            lock.wait(1000);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                    seen = spawnGeneration;
                }
                continue;
            }
            Exit exit = new Exit(ws.pid(), ws.exitStatus(), Instant.now());
            CompletableFuture<Exit> own;
            synchronized (lock) {
                own = spawned.remove(ws.pid());
            }
            if (own != null) {
                own.complete(exit);
            } else {
                for (ExitListener l : listeners) {
                    try {
                        l.onExit(exit);
                    } catch (RuntimeException e) {
                        LOG.error("call=reap pid={} listener failed", exit.pid(), e);
                    }
                }
            }
        }
    }
}
