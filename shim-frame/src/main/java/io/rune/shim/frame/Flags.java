package io.rune.shim.frame;

import java.util.List;

/**
 * The shim's command line as containerd writes it (Go flag syntax: {@code -name value},
 * {@code --name value} or {@code -name=value}; booleans without a value), then an action word.
 */
public record Flags(String namespace, String address, String publishBinary, String id, String bundle,
                    String socket, boolean debug, boolean version, boolean info, String action) {

    public static Flags parse(List<String> args) {
        String namespace = "", address = "", publish = "", id = "", bundle = "", socket = "", action = "";
        boolean debug = false, version = false, info = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("-") || a.equals("-") || a.equals("--")) {
                if (a.equals("--") && i + 1 < args.size()) a = args.get(++i);
                action = a;
                break;
            }
            String name = a.replaceFirst("^--?", "");
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            switch (name) {
                case "debug" -> debug = value == null || Boolean.parseBoolean(value);
                case "v", "version" -> version = value == null || Boolean.parseBoolean(value);
                case "info" -> info = value == null || Boolean.parseBoolean(value); // containerd 2.x: RuntimeInfo on stdout
                case "namespace", "address", "publish-binary", "id", "bundle", "socket", "debug-socket" -> {
                    if (value == null) {
                        if (i + 1 >= args.size()) throw new IllegalArgumentException("flag needs an argument: -" + name);
                        value = args.get(++i);
                    }
                    switch (name) {
                        case "namespace" -> namespace = value;
                        case "address" -> address = value;
                        case "publish-binary" -> publish = value;
                        case "id" -> id = value;
                        case "bundle" -> bundle = value;
                        case "socket" -> socket = value;
                        default -> { /* -debug-socket (containerd 2.x): accepted, unused */ }
                    }
                }
                default -> throw new IllegalArgumentException("flag provided but not defined: -" + name);
            }
        }
        return new Flags(namespace, address, publish, id, bundle, socket, debug, version, info, action);
    }
}
