package io.rune.shim.ttrpc;

import io.rune.shim.api.Code;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.api.ttrpc.Request;
import io.rune.shim.api.ttrpc.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Optional;

/**
 * Turns one received frame into a reply: validation errors are answered at once on the
 * reader thread (cheap), real calls run on a new virtual thread each so a blocking handler
 * (Wait) never holds up other requests on the same connection.
 */
final class RequestDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    static final String ODD_STREAM_ID = "StreamID must be odd for client initiated streams";

    private final ServiceRegistry registry;

    RequestDispatcher(ServiceRegistry registry) {
        this.registry = registry;
    }

    void dispatch(ServerConnection conn, Frame frame) {
        int sid = frame.streamId();
        if (frame.type() != Frame.TYPE_REQUEST) {
            // ttrpc 1.1 servers ignore everything but requests; shim APIs never stream.
            LOG.debug("ttrpc conn={} stream={} ignoring frame type {}", conn.id(), Integer.toUnsignedString(sid), frame.type());
            return;
        }
        if ((sid & 1) == 0) {
            reject(conn, sid, "-", Code.INVALID_ARGUMENT, ODD_STREAM_ID);
            return;
        }
        Request request;
        try {
            request = Request.parseFrom(frame.data());
        } catch (InvalidProtocolBufferException e) {
            reject(conn, sid, "-", Code.INVALID_ARGUMENT, "unmarshal request error: " + Replies.decodeError(e));
            return;
        }
        String fullMethod = request.getService() + "/" + request.getMethod();
        if (!registry.hasService(request.getService())) {
            reject(conn, sid, fullMethod, Code.UNIMPLEMENTED, "service " + request.getService());
            return;
        }
        Optional<MethodHandler> handler = registry.find(request.getService(), request.getMethod());
        if (handler.isEmpty()) {
            reject(conn, sid, fullMethod, Code.UNIMPLEMENTED, "method " + request.getMethod());
            return;
        }
        CallContext ctx = CallContext.of(request, sid, conn.id(), Instant.now());
        LOG.debug("ttrpc conn={} stream={} {} request ({} bytes, deadline {})",
                conn.id(), Integer.toUnsignedString(sid), fullMethod, request.getPayload().size(), ctx.deadline().orElse(null));
        MethodHandler h = handler.get();
        ByteString payload = request.getPayload();
        Thread.ofVirtual()
                .name("ttrpc-" + conn.id() + "-" + Integer.toUnsignedString(sid) + "-" + request.getMethod())
                .start(() -> conn.send(sid, fullMethod, invoke(h, ctx, payload)));
    }

    /** Runs the handler and maps whatever it throws; never lets anything escape. */
    private static Response invoke(MethodHandler handler, CallContext ctx, ByteString payload) {
        try {
            return Replies.ok(handler.handle(ctx, payload));
        } catch (TtrpcException e) {
            LOG.debug("ttrpc conn={} stream={} {} failed: code={} {}",
                    ctx.connectionId(), Integer.toUnsignedString(ctx.streamId()), ctx.fullMethod(), e.code(), e.getMessage());
            return Replies.failure(e);
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("ttrpc conn={} stream={} {} bad payload: {}",
                    ctx.connectionId(), Integer.toUnsignedString(ctx.streamId()), ctx.fullMethod(), e.getMessage());
            return Replies.failure(e);
        } catch (Throwable t) {
            // Catch Throwable: a handler bug (even an Error) must become a reply, never a dead server.
            LOG.warn("ttrpc conn={} stream={} {} handler error", ctx.connectionId(), Integer.toUnsignedString(ctx.streamId()), ctx.fullMethod(), t);
            return Replies.failure(t);
        }
    }

    private static void reject(ServerConnection conn, int sid, String fullMethod, Code code, String message) {
        LOG.warn("ttrpc conn={} stream={} {} rejected: code={} {}", conn.id(), Integer.toUnsignedString(sid), fullMethod, code.value(), message);
        conn.send(sid, fullMethod, Replies.error(code, message));
    }
}
