package io.rune.shim.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class ThreadNiceTest {
    /** Every thread's nice value, from /proc/self/task/<tid>/stat. */
    private static List<Integer> allNice() throws Exception {
        List<Integer> out = new ArrayList<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    String stat = Files.readString(t.resolve("stat"));
                    out.add(Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[16]));
                } catch (java.nio.file.NoSuchFileException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return out;
    }

    @Test
    void setsEveryThreadAndBack() throws Exception {
        int before = ThreadNice.current();
        CountDownLatch done = new CountDownLatch(1);
        Thread parked = Thread.ofPlatform().daemon(true).start(() -> {
            try {
                done.await();
            } catch (InterruptedException ignored) {
                // ends
            }
        });
        try {
            ThreadNice.setAll(7);
            assertEquals(7, ThreadNice.current());
            for (int n : allNice()) assertEquals(7, n, "a thread kept its old nice value");
            // lowering it again needs CAP_SYS_NICE: the tests run as root, as the shim does
            ThreadNice.setAll(before);
            for (int n : allNice()) assertEquals(before, n);
        } finally {
            done.countDown();
            parked.join();
        }
    }
}
