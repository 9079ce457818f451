package io.rune.shim.runc;

/** The fds a rune process gets as 0/1/2; -1 means /dev/null. rune create passes them to the container init. */
public record RuneIo(int stdin, int stdout, int stderr) {
    public static final RuneIo NULL = new RuneIo(-1, -1, -1);
}
