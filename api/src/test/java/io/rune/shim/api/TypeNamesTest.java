package io.rune.shim.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.api.task.StateRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The registered names match what the .proto files declare (what protobuf-java read from descriptors). */
class TypeNamesTest {
    private static final Pattern PACKAGE = Pattern.compile("(?m)^package\\s+([\\w.]+)\\s*;");
    private static final Pattern JAVA_PACKAGE = Pattern.compile("(?m)^option\\s+java_package\\s*=\\s*\"([\\w.]+)\"\\s*;");
    private static final Pattern TOP_MESSAGE = Pattern.compile("(?m)^message\\s+(\\w+)");

    /** Java class name → full proto name, for every top-level message of src/main/proto. */
    private static Map<String, String> declared() throws IOException {
        Map<String, String> out = new HashMap<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/proto"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".proto")).toList()) {
                String text = Files.readString(f);
                Matcher pkg = PACKAGE.matcher(text), javaPkg = JAVA_PACKAGE.matcher(text);
                assertTrue(pkg.find() && javaPkg.find(), f + " declares package and java_package");
                for (Matcher m = TOP_MESSAGE.matcher(text); m.find(); ) {
                    out.put(javaPkg.group(1) + "." + m.group(1), pkg.group(1) + "." + m.group(1));
                }
            }
        }
        return out;
    }

    @Test
    void everyRegisteredNameIsTheProtoFullName() throws IOException {
        Map<String, String> declared = declared();
        assertTrue(declared.size() > 50, "proto sources found: " + declared.size());
        assertFalse(TypeNames.all().isEmpty());
        TypeNames.all().forEach((type, name) -> assertEquals(declared.get(type.getName()), name, type.getName()));
    }

    @Test
    void theNamesContainerdUses() {
        assertEquals("containerd.events.TaskCreate", TypeNames.of(io.rune.shim.api.events.TaskCreate.class));
        assertEquals("containerd.events.TaskOOM", TypeNames.of(io.rune.shim.api.events.TaskOOM.getDefaultInstance()));
        assertEquals("io.containerd.cgroups.v1.Metrics", TypeNames.of(io.rune.shim.api.cgroups.v1.Metrics.class));
        assertEquals("io.containerd.cgroups.v2.Metrics", TypeNames.of(io.rune.shim.api.cgroups.v2.Metrics.class));
        assertEquals("containerd.runc.v1.ProcessDetails", TypeNames.of(io.rune.shim.api.runc.ProcessDetails.class));
        assertEquals("containerd.linux.runc.CheckpointOptions",
                TypeNames.of(io.rune.shim.api.runc.legacy.CheckpointOptions.class));
    }

    @Test
    void anUnregisteredTypeIsRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> TypeNames.of(StateRequest.getDefaultInstance()));
        assertEquals("no protobuf type name known for io.rune.shim.api.task.StateRequest", e.getMessage());
    }
}
