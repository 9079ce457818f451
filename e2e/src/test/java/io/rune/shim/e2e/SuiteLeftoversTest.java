package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.testsupport.ProcScan;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other class (class order by {@link Order}; the others keep the default): once the
 * suite is done, nothing of it may be left on the host. A backstop: the scenarios check their own
 * leftovers before the per-test forced cleanup ({@link PrivateContainerd#forceRemove}), which kills
 * shims and removes sockets, runc state and cgroups, so this mostly sees what that cleanup does not
 * touch (FIFOs, bundles, mounts, containerd's own records). What the reference runtime also leaves for
 * the same scenario (the FIFOs of a SIGKILLed shim's container) is tolerated for the runtime under test.
 */
@Order(Integer.MAX_VALUE)
class SuiteLeftoversTest extends E2eTestBase {

    SuiteLeftoversTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** The scenario label of an id: {@code ut-exec-3fa9c1} -> {@code exec}. */
    private static String label(ShimRuntime rt, String id) {
        String s = id.startsWith(rt.tag() + "-") ? id.substring(rt.tag().length() + 1) : id;
        return s.replaceFirst("-[0-9a-f]{6}$", "");
    }

    /** Which kinds of leftovers one id has, e.g. "socket fifos"; empty when clean. */
    private static String kinds(Leftovers l) {
        List<String> k = new ArrayList<>();
        if (!l.shimPids().isEmpty()) {
            k.add("shim");
        }
        if (l.socket() != null) {
            k.add("socket");
        }
        if (l.stateDir() != null) {
            k.add("state");
        }
        if (l.bundleDir() != null) {
            k.add("bundle");
        }
        if (!l.mounts().isEmpty()) {
            k.add("mounts");
        }
        if (!l.cgroupDirs().isEmpty()) {
            k.add("cgroups");
        }
        if (!l.fifos().isEmpty()) {
            k.add("fifos");
        }
        return String.join(" ", k);
    }

    private List<String> emptyFifoDirs() {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(ctd.base().resolve("fifo"))) {
            for (Path d : ds) {
                try (var s = Files.list(d)) {
                    if (s.findAny().isEmpty()) {
                        out.add(d.toString());
                    }
                }
            }
        } catch (IOException e) {
            out.add("unreadable: " + e);
        }
        return out;
    }

    @Test
    void nothingOfTheSuiteIsLeft() {
        Map<String, ShimRuntime> ids = ctd.registered();
        Map<String, String> refLeft = new TreeMap<>();
        Map<String, String> utLeft = new TreeMap<>();
        for (var e : ids.entrySet()) {
            Leftovers l = Leftovers.awaitClean(ctd, e.getValue(), e.getKey(), Duration.ofSeconds(2), false);
            String k = kinds(l);
            if (!k.isEmpty()) {
                System.err.println("[e2e] suite leftovers of " + e.getKey() + ": " + l);
                (e.getValue().tag().equals(ref.tag()) ? refLeft : utLeft).merge(label(e.getValue(), e.getKey()), k, (a, b) -> a);
            }
        }
        Map<String, String> utBeyondRef = new TreeMap<>(utLeft);
        utBeyondRef.entrySet().removeIf(x -> x.getValue().equals(refLeft.get(x.getKey())));
        System.err.println("[e2e] " + ids.size() + " container ids in this run; leftovers by scenario: reference " + refLeft
                + ", under test " + utLeft);
        assertAll(
                () -> assertEquals(List.of(), ctr.listQuiet("task"), "tasks still known to containerd"),
                () -> assertEquals(List.of(), ctr.listQuiet("container"), "containers still known to containerd"),
                () -> assertEquals(List.of(), ProcScan.shims(ctd.address()), "shim processes of this containerd"),
                () -> assertEquals(List.of(), ctd.mountsUnderBase(), "mounts under the private containerd's dir"),
                () -> assertEquals(List.of(), emptyFifoDirs(), "empty FIFO dirs left"),
                () -> assertTrue(utBeyondRef.isEmpty(), "leftovers of the runtime under test that the reference does not leave: "
                        + utBeyondRef + " (reference leaves " + refLeft + ")"));
    }
}
