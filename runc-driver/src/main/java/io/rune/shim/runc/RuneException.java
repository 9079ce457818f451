package io.rune.shim.runc;

/**
 * A rune call that failed. The message reads like the Go shim's: {@code OCI runtime <op>
 * failed: <rune's last error>}; {@link #runeMessage()} is rune's own text, used to classify
 * errors (e.g. "container does not exist").
 */
public final class RuneException extends Exception {
    private final String op;
    private final String runeMessage;
    private final int status;

    public RuneException(String op, String runeMessage, int status) {
        super("OCI runtime " + op + " failed: " + runeMessage);
        this.op = op;
        this.runeMessage = runeMessage;
        this.status = status;
    }

    public String op() { return op; }
    public String runeMessage() { return runeMessage; }
    public int status() { return status; }

    public boolean notExist() {
        return runeMessage.contains("does not exist") || runeMessage.contains("not found");
    }
}
