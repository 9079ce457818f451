package io.rune.shim.frame;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A namespace-scope daemon's answers to the launcher: {@code start} of a container that asks for
 * namespace scope joins this daemon; {@code delete} runs here instead of in a new JVM. Everything
 * else, and requests for another containerd or namespace, are left to the launcher.
 */
final class NamespaceControl implements ControlServer.Handler {
    private static final Logger LOG = LoggerFactory.getLogger(NamespaceControl.class);
    private final Flags own;
    private final String address;
    private final ShimManager manager;
    private final IdleExit idle;

    /** @param address this daemon's ttrpc address, as start prints it */
    NamespaceControl(Flags own, String address, ShimManager manager, IdleExit idle) {
        this.own = own;
        this.address = address;
        this.manager = manager;
        this.idle = idle;
    }

    @Override
    public ControlCodec.Response handle(ControlCodec.Request r) {
        Flags f;
        try {
            f = Flags.parse(r.args());
        } catch (IllegalArgumentException e) {
            return error(e.getMessage());
        }
        if (!ControlAnswers.forDaemonOf(f, own)) {
            return ControlCodec.Response.NOT_HANDLED;
        }
        Path cwd = Path.of(r.cwd());
        try {
            return switch (f.action()) {
                case "start" -> start(f, cwd, r.stdin());
                case "delete" -> delete(f, cwd);
                default -> ControlCodec.Response.NOT_HANDLED;
            };
        } catch (Exception e) {
            LOG.warn("id={} call=control-{} failed: {}", f.id(), f.action(), e.toString());
            return error(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private ControlCodec.Response start(Flags f, Path bundle, byte[] options) throws Exception {
        if (f.id().isEmpty()) return error("shim id cannot be empty");
        StartOptions o = manager.startOptions(options);
        if (o.scope() != ShimScope.NAMESPACE) return ControlCodec.Response.NOT_HANDLED;
        if (!idle.admit()) return ControlCodec.Response.NOT_HANDLED; // leaving: the launcher starts a new daemon
        Bootstrap answer = Bootstrap.forContainerd(address, f.publishBinary());
        if (answer.writesAddressFile()) StartAction.writeAddress(bundle, address);
        LOG.info("id={} call=control-start joined the namespace daemon (bootstrap version {})", f.id(), answer.version());
        return ControlCodec.Response.of(0, answer.text().getBytes(StandardCharsets.UTF_8), "");
    }

    private ControlCodec.Response delete(Flags f, Path cwd) throws Exception {
        ControlCodec.Response r = ControlAnswers.delete(manager, f, cwd);
        LOG.info("id={} call=control-delete", f.id());
        return r;
    }

    private ControlCodec.Response error(String message) {
        return ControlAnswers.error(manager, message);
    }
}
