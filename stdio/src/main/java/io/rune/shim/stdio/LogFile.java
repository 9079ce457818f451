package io.rune.shim.stdio;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A {@code file:///path} log URI (ctr's --log-uri): an absolute path, whose directory is made if
 * missing. Errors name the URI or the directory and the reason, in the C library's words.
 */
final class LogFile {
    private LogFile() {}

    /** The file a {@code file://} URI names, its directory created. */
    static Path prepare(String uri) throws IOException {
        Path path = path(uri);
        Path dir = path.getParent();
        try {
            Files.createDirectories(dir);
        } catch (FileSystemException e) {
            throw new StdioException(StdioException.Reason.UNKNOWN, "mkdir " + dir + ": " + reason(e));
        }
        return path;
    }

    static Path path(String uri) throws StdioException {
        String p;
        try {
            p = new URI(uri).getPath();
        } catch (URISyntaxException e) {
            throw new StdioException(StdioException.Reason.INVALID_ARGUMENT, "log URI " + uri + ": " + e.getReason());
        }
        // file://relative.log parses with "relative.log" as the host and an empty path
        if (p == null || !p.startsWith("/") || p.equals("/")) {
            throw new StdioException(StdioException.Reason.INVALID_ARGUMENT,
                    "log URI " + uri + ": not an absolute file path (file:///dir/file)");
        }
        return Path.of(p);
    }

    private static String reason(FileSystemException e) {
        if (e instanceof NoSuchFileException) return "no such file or directory";
        if (e instanceof AccessDeniedException) return "permission denied";
        if (e instanceof FileAlreadyExistsException) return "file exists";
        if (e instanceof NotDirectoryException) return "not a directory";
        String r = e.getReason();
        return r == null || r.isEmpty() ? e.getClass().getSimpleName() : r.toLowerCase(java.util.Locale.ROOT);
    }
}
