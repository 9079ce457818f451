package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessTitleTest {

    @Test
    void theCommandLineShowsTheNewArguments() throws IOException {
        ProcessTitle.set(List.of("/usr/bin/shim", "-namespace", "ns", "-id", "c1"));
        byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        String text = new String(cmdline, StandardCharsets.UTF_8);
        List<String> args = Arrays.stream(text.split("\0")).filter(s -> !s.isEmpty()).toList();
        assertEquals(List.of("/usr/bin/shim", "-namespace", "ns", "-id", "c1"), args);
        // what ps reads through another process's view of this one is the same
        assertArrayEquals(cmdline, Files.readAllBytes(Path.of("/proc/" + ProcessHandle.current().pid() + "/cmdline")));
    }

    @Test
    void argumentsLongerThanTheOriginalAreaAreRefused() {
        IOException e = assertThrows(IOException.class, () -> ProcessTitle.encode(List.of("0123456789"), 8));
        assertEquals("command line of 11 bytes does not fit the 8 the process started with", e.getMessage());
    }

    @Test
    void theRestOfTheAreaIsNuls() throws IOException {
        assertArrayEquals(new byte[] {'a', 0, 'b', 'c', 0, 0, 0}, ProcessTitle.encode(List.of("a", "bc"), 7));
    }
}
