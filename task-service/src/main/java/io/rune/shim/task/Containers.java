package io.rune.shim.task;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The containers of this daemon by id. Create reserves its id first, so two Creates of one id
 * cannot undo each other; the reservation becomes the container or is dropped.
 */
final class Containers {
    private final Map<String, Container> byId = new HashMap<>();
    private final Set<String> creating = new HashSet<>();

    /** The container, or NotFound in the Go shim's words. */
    synchronized Container get(String id) {
        Container c = byId.get(id);
        if (c == null) throw ShimError.containerNotCreated();
        return c;
    }

    synchronized Container find(String id) {
        return byId.get(id);
    }

    /** Claims the id for a Create; fails as rune would for an id that exists. */
    synchronized void reserve(String id) {
        if (byId.containsKey(id) || !creating.add(id)) {
            throw ShimError.unknown("OCI runtime create failed: container with given ID already exists");
        }
    }

    synchronized void add(Container c) {
        creating.remove(c.id);
        byId.put(c.id, c);
    }

    /** A Create failed: frees the id it reserved (never a container another Create made). */
    synchronized void abandon(String id) {
        creating.remove(id);
    }

    synchronized void remove(Container c) {
        byId.remove(c.id, c);
    }

    synchronized boolean isEmpty() {
        return byId.isEmpty() && creating.isEmpty();
    }

    synchronized int size() {
        return byId.size();
    }
}
