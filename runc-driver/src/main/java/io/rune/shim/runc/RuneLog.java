package io.rune.shim.runc;

import io.rune.shim.formats.FormatException;
import io.rune.shim.formats.Json;
import io.rune.shim.formats.JsonObject;
import io.rune.shim.formats.JsonValue;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * rune's --log-format json file: one JSON object per line, {"level","msg","time"}. Only the
 * part written by the failed call is read (from the size before the call), so an old error of
 * an earlier call is never reported again.
 */
public final class RuneLog {
    private final Path path;

    public RuneLog(Path path) {
        this.path = path;
    }

    /** Where the next call's lines will start. */
    public long mark() {
        try {
            return Files.size(path);
        } catch (IOException e) {
            return 0;
        }
    }

    /** The message of the last error-level entry written since {@code mark}, or null. */
    public String lastErrorSince(long mark) {
        String text;
        try (RandomAccessFile f = new RandomAccessFile(path.toFile(), "r")) {
            long len = f.length();
            if (len <= mark) return null;
            byte[] buf = new byte[(int) Math.min(len - mark, 1 << 20)];
            f.seek(len - buf.length);
            f.readFully(buf);
            text = new String(buf, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
        return lastError(text);
    }

    /** Last error message among JSON lines; lines that are not JSON are skipped. */
    static String lastError(String text) {
        String last = null;
        for (String line : text.split("\n")) {
            line = line.trim();
            if (!line.startsWith("{")) continue;
            try {
                JsonObject n = Json.parse(line).asObject().orElseGet(JsonObject::new);
                if (n.getString("level", "").equals("error")) {
                    String msg = n.get("msg").flatMap(JsonValue::scalarText).orElse(null);
                    if (msg != null) last = msg.trim();
                }
            } catch (FormatException ignored) {
                // a torn or foreign line: not an error entry
            }
        }
        return last;
    }
}
