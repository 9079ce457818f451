package io.rune.shim.task;

import io.rune.shim.api.Identifiers;
import io.rune.shim.api.task.CreateTaskRequest;
import io.rune.shim.carrier.CarrierKind;
import io.rune.shim.runc.CreateOptions;
import io.rune.shim.runc.Monitor;
import io.rune.shim.runc.Rune;
import io.rune.shim.stdio.ProcessStdio;
import io.rune.shim.stdio.StdioPaths;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Create, step by step: options and spec checked, id reserved, rootfs mounted, carrier step,
 * stdio opened, rune create (or a pending restore), /tasks/create. A failure undoes what was done.
 */
final class ContainerFactory {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerFactory.class);
    private final TaskContext ctx;
    private final boolean debug;
    private final Monitor monitor;
    private final EnclaveStep enclave;

    ContainerFactory(TaskContext ctx, boolean debug, Monitor monitor, EnclaveStep enclave) {
        this.ctx = ctx;
        this.debug = debug;
        this.monitor = monitor;
        this.enclave = enclave;
    }

    Container create(CreateTaskRequest r) throws IOException, InterruptedException {
        String id = r.getId();
        if (id.isEmpty()) throw ShimError.invalidArgument("container id must not be empty");
        String bad = Identifiers.problem(id); // the id names rune's state dir: never outside its root
        if (bad != null) throw ShimError.invalidArgument(bad);
        Bundle bundle = Bundle.at(java.nio.file.Path.of(r.getBundle()));
        RuntimeOptions opts = OptionsDecoder.decode(r.hasOptions() ? r.getOptions() : null);
        boolean sharedPid = !bundle.privatePidNamespace();
        CarrierKind carrier = enclave.kind(bundle); // refused before anything is mounted
        ctx.containers().reserve(id);
        boolean mounted = false;
        ProcessStdio io = null;
        try {
            bundle.writeOptions(opts);
            StdioPaths stdio = new StdioPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal());
            Rune rune = bundle.rune(opts, ctx.namespace(), debug, monitor);
            Rootfs.mountAll(r.getRootfsList(), bundle.rootfs()); // unwinds itself when it fails
            mounted = true;
            enclave.prepare(id, bundle, carrier, opts);
            io = ctx.openStdio(id, stdio, id, opts);
            String image = Checkpoints.restoreImage(r.getCheckpoint(), opts);
            InitState initial = image.isEmpty() ? new InitState.Created()
                    : new InitState.CreatedFromCheckpoint(image, r.getParentCheckpoint());
            Container c = new Container(id, bundle, r.getRootfsList(), rune, opts, sharedPid, ctx, stdio, io, initial);
            c.lock.lock();
            try {
                if (initial instanceof InitState.Created) {
                    c.init.create(new CreateOptions(bundle.dir().toString(), bundle.initPidFile().toString(),
                            io.consoleSocket(), opts.noPivotRoot(), opts.noNewKeyring()));
                }
                ctx.containers().add(c);
                ctx.events().created(id, bundle, r.getRootfsList(), stdio, image, c.init.pid);
            } finally {
                c.lock.unlock();
            }
            return c;
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (io != null) io.close();
            ctx.containers().abandon(id);
            if (mounted) unmountAfterFailure(id, bundle);
            throw e;
        }
    }

    private static void unmountAfterFailure(String id, Bundle bundle) {
        try {
            Rootfs.unmountAll(bundle.rootfs());
        } catch (IOException ue) {
            LOG.warn("id={} call=Create unmount after failure: {}", id, ue.getMessage());
        }
    }
}
