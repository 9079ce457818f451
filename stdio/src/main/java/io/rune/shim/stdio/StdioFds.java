package io.rune.shim.stdio;

/** The fds a runtime hands to a new process as its stdin, stdout and stderr; -1 means /dev/null. */
public record StdioFds(int stdin, int stdout, int stderr) {
    public static final StdioFds NULL = new StdioFds(-1, -1, -1);
}
