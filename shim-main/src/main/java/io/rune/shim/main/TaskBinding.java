package io.rune.shim.main;

import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.rune.shim.api.task.*;
import io.rune.shim.task.ShimError;
import io.rune.shim.task.TaskService;
import io.rune.shim.ttrpc.CallContext;
import io.rune.shim.api.Code;
import io.rune.shim.ttrpc.MethodHandler;
import io.rune.shim.ttrpc.ServiceRegistry;
import io.rune.shim.ttrpc.TtrpcException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the Task service on ttrpc under both names containerd uses (task.v2 for 1.6/1.7 and by
 * default in 2.0, task.v3 for a 2.0 shim that reports version 3): same messages, same handlers.
 */
final class TaskBinding {
    private static final Logger LOG = LoggerFactory.getLogger(TaskBinding.class);
    static final String[] SERVICES = {"containerd.task.v2.Task", "containerd.task.v3.Task"};

    private TaskBinding() {}

    @FunctionalInterface
    interface Call<Q> {
        MessageLite apply(Q request) throws Exception;
    }

    static ServiceRegistry registry(TaskService t) {
        ServiceRegistry.Builder b = ServiceRegistry.builder();
        for (String s : SERVICES) {
            add(b, s, "State", StateRequest.parser(), t::state);
            add(b, s, "Create", CreateTaskRequest.parser(), t::create);
            add(b, s, "Start", StartRequest.parser(), t::start);
            add(b, s, "Delete", DeleteRequest.parser(), t::delete);
            add(b, s, "Kill", KillRequest.parser(), t::kill);
            add(b, s, "Wait", WaitRequest.parser(), t::await);
            add(b, s, "Connect", ConnectRequest.parser(), t::connect);
            add(b, s, "Shutdown", ShutdownRequest.parser(), t::shutdown);
            add(b, s, "Pids", PidsRequest.parser(), t::pids);
            add(b, s, "Pause", PauseRequest.parser(), t::pause);
            add(b, s, "Resume", ResumeRequest.parser(), t::resume);
            add(b, s, "Checkpoint", CheckpointTaskRequest.parser(), t::checkpoint);
            add(b, s, "Exec", ExecProcessRequest.parser(), t::exec);
            add(b, s, "ResizePty", ResizePtyRequest.parser(), t::resizePty);
            add(b, s, "CloseIO", CloseIORequest.parser(), t::closeIO);
            add(b, s, "Update", UpdateTaskRequest.parser(), t::update);
            add(b, s, "Stats", StatsRequest.parser(), t::stats);
        }
        return b.build();
    }

    private static <Q> void add(ServiceRegistry.Builder b, String service, String method, Parser<Q> parser, Call<Q> call) {
        b.add(service, method, MethodHandler.unary(parser, (CallContext ctx, Q req) -> {
            try {
                return call.apply(req);
            } catch (Exception e) {
                throw status(method, e);
            }
        }));
    }

    /**
     * The reply status of a failed call: a ShimError carries its gRPC code, anything else is UNKNOWN.
     */
    static TtrpcException status(String method, Exception e) {
        return switch (e) {
            case ShimError s -> {
                LOG.info("call={} error code={} msg={}", method, s.code(), s.getMessage());
                yield new TtrpcException(s.code(), s.getMessage(), s);
            }
            case TtrpcException t -> t;
            default -> {
                LOG.warn("call={} failed: {}", method, e.toString());
                yield new TtrpcException(Code.UNKNOWN, e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
        };
    }
}
