package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v2.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A cgroup of the unified (v2) hierarchy mounted at {@code mountPoint}; {@code path} is its directory. */
public record V2Cgroup(CgroupRoot root, Path mountPoint, Path path) implements Cgroup {

    @Override
    public boolean exists() {
        return Files.isDirectory(path);
    }

    /** @throws CgroupNotFoundException when cgroup.controllers is gone (the cgroup was removed) */
    @Override
    public Metrics stats() throws IOException {
        List<String> controllers;
        try {
            controllers = List.of(CgroupFiles.read(path.resolve("cgroup.controllers")).trim().split("\\s+"));
        } catch (NoSuchFileException e) {
            throw new CgroupNotFoundException("cgroup does not exist: " + path);
        }
        return V2Stats.read(path, controllers);
    }

    /**
     * What the Go shim does at Start on a v2 host: enable every controller the root offers in the
     * cgroup.subtree_control of each ancestor (from the root down to the parent), so the container's
     * cgroup gets memory.events and the rest. Every write is tried; the last failure is thrown.
     */
    public void enableControllers() throws IOException {
        String offered = CgroupFiles.read(mountPoint.resolve("cgroup.controllers")).trim();
        if (offered.isEmpty()) return;
        StringBuilder line = new StringBuilder();
        for (String c : offered.split("\\s+")) line.append(line.isEmpty() ? "" : " ").append('+').append(c);
        List<Path> ancestors = new ArrayList<>();
        for (Path p = path.getParent(); p != null && p.startsWith(mountPoint); p = p.getParent()) ancestors.addFirst(p);
        IOException last = null;
        for (Path dir : ancestors) {
            try {
                Files.writeString(dir.resolve("cgroup.subtree_control"), line);
                last = null;
            } catch (IOException e) {
                last = new IOException("failed to write subtree controllers [" + offered + "] to "
                        + dir.resolve("cgroup.subtree_control") + ": " + e.getMessage(), e);
            }
        }
        if (last != null) throw last;
    }
}
