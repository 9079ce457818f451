package io.rune.shim.cgroups;

import io.rune.shim.api.cgroups.v1.CPUStat;
import io.rune.shim.api.cgroups.v1.CPUUsage;
import io.rune.shim.api.cgroups.v1.Metrics;
import io.rune.shim.api.cgroups.v1.Throttle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cgroup on a v1 (or hybrid) host: one directory per mounted controller. Controllers that are not
 * mounted, or not set up for the container, are simply absent from the map.
 */
public record V1Cgroup(CgroupRoot root, Map<String, Path> controllers) implements Cgroup {
    private static final Logger LOG = LoggerFactory.getLogger(V1Cgroup.class);

    public V1Cgroup {
        controllers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(controllers));
    }

    /** The memory controller's directory, which holds memory.oom_control and cgroup.event_control. */
    public Optional<Path> memoryPath() {
        return Optional.ofNullable(controllers.get("memory"));
    }

    @Override
    public boolean exists() {
        return controllers.values().stream().anyMatch(Files::isDirectory);
    }

    /**
     * Reads every controller present. As in the Go shim (IgnoreNotExist), a file that is missing ends
     * that controller's reading silently, keeping what it had filled; other errors fail the call.
     */
    @Override
    public Metrics stats() throws IOException {
        Metrics.Builder m = Metrics.newBuilder();
        // Go always sends cpu{usage{}, throttling{}}, even without cpu controllers
        m.setCpu(CPUStat.newBuilder().setUsage(CPUUsage.getDefaultInstance()).setThrottling(Throttle.getDefaultInstance()));
        int present = 0;
        for (var e : controllers.entrySet()) {
            Path dir = e.getValue();
            if (!Files.isDirectory(dir)) continue;
            present++;
            try {
                switch (e.getKey()) {
                    case "memory" -> V1Memory.read(dir, m);
                    case "cpu" -> V1Cpu.readThrottling(dir, m);
                    case "cpuacct" -> V1Cpu.readUsage(dir, m);
                    case "pids" -> V1Misc.readPids(dir, m);
                    case "blkio" -> V1Blkio.read(dir, root, m);
                    case "hugetlb" -> V1Misc.readHugetlb(dir, root, m);
                    case "rdma" -> V1Misc.readRdma(dir, m);
                    default -> { }
                }
            } catch (NoSuchFileException ex) {
                LOG.debug("cgroup v1 {}: {} missing, skipped", e.getKey(), ex.getFile());
            }
        }
        if (present == 0) throw new CgroupNotFoundException("cgroup does not exist: " + controllers.values());
        return m.build();
    }
}
