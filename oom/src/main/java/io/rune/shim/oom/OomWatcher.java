package io.rune.shim.oom;

import io.rune.shim.cgroups.Cgroup;
import java.io.IOException;

/**
 * Watches containers' cgroups for OOM kills. One watcher per shim; containers are registered after
 * their init process started and unregistered at delete (which closes their fds).
 */
public interface OomWatcher extends AutoCloseable {
    /**
     * Starts watching a container's cgroup (replacing an earlier registration of the same id).
     *
     * @throws IOException the cgroup has no memory controller or its files could not be set up;
     *                     the watcher itself keeps working
     */
    void register(String containerId, Cgroup cgroup) throws IOException;

    /**
     * Tells the listener now of an OOM that is pending for the container (on the caller's thread),
     * so that an exit published next comes after the OOM that caused it. Unknown ids are ignored.
     */
    void poll(String containerId);

    /** Stops watching and closes the container's fds; unknown ids are ignored. */
    void unregister(String containerId);

    /** Stops the watcher thread(s) and closes every fd. */
    @Override
    void close();

    /** A watcher for both cgroup versions: its v1 epoller / v2 inotify thread starts on first use. */
    static OomWatcher create(OomListener listener) {
        return new DispatchingOomWatcher(listener);
    }
}
