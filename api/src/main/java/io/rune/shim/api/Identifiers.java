package io.rune.shim.api;

import java.util.regex.Pattern;

/**
 * containerd's rule for identifiers (containers, execs, namespaces): alphanumeric words joined by
 * single '.', '_' or '-', at most 76 characters. The shim checks it itself, so an id can never name
 * a path outside the bundle or the runtime's state directory, whoever sent it.
 */
public final class Identifiers {
    public static final int MAX_LENGTH = 76;
    private static final String RULE = "^[A-Za-z0-9]+(?:[._-](?:[A-Za-z0-9]+))*$";
    private static final Pattern VALID = Pattern.compile(RULE);

    private Identifiers() {}

    /** Null when s is a valid identifier, else containerd's words for what is wrong. */
    public static String problem(String s) {
        if (s.isEmpty()) return "identifier must not be empty";
        if (s.length() > MAX_LENGTH) {
            return "identifier \"" + s + "\" greater than maximum length (" + MAX_LENGTH + " characters)";
        }
        if (!VALID.matcher(s).matches()) return "identifier \"" + s + "\" must match " + RULE;
        return null;
    }
}
