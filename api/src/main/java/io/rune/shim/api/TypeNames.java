package io.rune.shim.api;

import com.google.protobuf.MessageLite;
import io.rune.shim.api.events.TaskCheckpointed;
import io.rune.shim.api.events.TaskCreate;
import io.rune.shim.api.events.TaskDelete;
import io.rune.shim.api.events.TaskExecAdded;
import io.rune.shim.api.events.TaskExecStarted;
import io.rune.shim.api.events.TaskExit;
import io.rune.shim.api.events.TaskIO;
import io.rune.shim.api.events.TaskOOM;
import io.rune.shim.api.events.TaskPaused;
import io.rune.shim.api.events.TaskResumed;
import io.rune.shim.api.events.TaskStart;
import io.rune.shim.api.runc.CheckpointOptions;
import io.rune.shim.api.runc.Options;
import io.rune.shim.api.runc.ProcessDetails;
import io.rune.shim.api.runc.legacy.CreateOptions;
import io.rune.shim.api.runc.legacy.RuncOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * Full protobuf names of the messages that travel inside an {@code Any}. Lite messages carry no
 * descriptor to read them from, so they are listed here; TypeNamesTest checks every entry against
 * the package and message declarations of the .proto files.
 */
public final class TypeNames {
    private static final Map<Class<?>, String> NAMES = new HashMap<>();

    static {
        in("containerd.events", TaskCreate.class, TaskStart.class, TaskDelete.class, TaskIO.class, TaskExit.class,
                TaskOOM.class, TaskExecAdded.class, TaskExecStarted.class, TaskPaused.class, TaskResumed.class,
                TaskCheckpointed.class);
        in("io.containerd.cgroups.v1", io.rune.shim.api.cgroups.v1.Metrics.class);
        in("io.containerd.cgroups.v2", io.rune.shim.api.cgroups.v2.Metrics.class);
        in("containerd.runc.v1", Options.class, CheckpointOptions.class, ProcessDetails.class);
        in("containerd.linux.runc", RuncOptions.class, CreateOptions.class,
                io.rune.shim.api.runc.legacy.CheckpointOptions.class);
        in("runtimeoptions.v1", io.rune.shim.api.cri.Options.class);
    }

    private TypeNames() {}

    /** Top-level messages of one proto package: their Java simple name is the message name. */
    @SafeVarargs
    private static void in(String protoPackage, Class<? extends MessageLite>... types) {
        for (Class<? extends MessageLite> t : types) NAMES.put(t, protoPackage + "." + t.getSimpleName());
    }

    /** The full name of a message's type, e.g. "containerd.events.TaskCreate". */
    public static String of(MessageLite m) {
        return of(m.getClass());
    }

    /** @throws IllegalArgumentException the type is not one that the shim packs or unpacks */
    public static String of(Class<? extends MessageLite> type) {
        String name = NAMES.get(type);
        if (name == null) throw new IllegalArgumentException("no protobuf type name known for " + type.getName());
        return name;
    }

    /** Every registered type and its full name (for the tests). */
    static Map<Class<?>, String> all() {
        return Map.copyOf(NAMES);
    }
}
