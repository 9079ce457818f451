package io.rune.shim.oom;

import io.rune.shim.cgroups.Cgroup;
import io.rune.shim.cgroups.V1Cgroup;
import io.rune.shim.cgroups.V2Cgroup;
import java.io.IOException;

/** Sends each cgroup to the watcher of its version; each watcher (and its thread) exists only once needed. */
final class DispatchingOomWatcher implements OomWatcher {
    private final OomListener listener;
    private V1OomEpoller v1;
    private V2OomWatcher v2;
    private boolean closed;

    DispatchingOomWatcher(OomListener listener) {
        this.listener = listener;
    }

    @Override
    public void register(String containerId, Cgroup cgroup) throws IOException {
        switch (cgroup) {
            case V1Cgroup c -> v1().register(containerId, c);
            case V2Cgroup c -> v2().register(containerId, c);
        }
    }

    @Override
    public void poll(String containerId) {
        V1OomEpoller a;
        V2OomWatcher b;
        synchronized (this) {
            a = v1;
            b = v2;
        }
        if (a != null) a.poll(containerId);
        if (b != null) b.poll(containerId);
    }

    @Override
    public synchronized void unregister(String containerId) {
        if (v1 != null) v1.unregister(containerId);
        if (v2 != null) v2.unregister(containerId);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (v1 != null) v1.close();
        if (v2 != null) v2.close();
    }

    private synchronized V1OomEpoller v1() throws IOException {
        if (closed) throw new IllegalStateException("OOM watcher closed");
        if (v1 == null) v1 = new V1OomEpoller(listener);
        return v1;
    }

    private synchronized V2OomWatcher v2() throws IOException {
        if (closed) throw new IllegalStateException("OOM watcher closed");
        if (v2 == null) v2 = new V2OomWatcher(listener);
        return v2;
    }
}
