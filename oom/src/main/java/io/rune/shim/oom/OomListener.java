package io.rune.shim.oom;

/**
 * Told once per OOM event of a registered container. Runs on the watcher's thread: it should only
 * hand the event on (e.g. queue /tasks/oom for publishing) and never block.
 */
@FunctionalInterface
public interface OomListener {
    void onOom(String containerId);
}
