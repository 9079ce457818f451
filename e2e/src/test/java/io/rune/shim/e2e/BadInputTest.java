package io.rune.shim.e2e;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rune.shim.api.task.StateRequest;
import io.rune.shim.api.task.StateResponse;
import io.rune.shim.api.types.Status;
import io.rune.shim.testsupport.CmdResult;
import io.rune.shim.testsupport.ShimEndpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Scenario 7: raw ttrpc against the shim socket of a running container: unknown container, malformed
 * envelope, oversized frame, even stream id, unknown service/method, undecodable payload; a second
 * connection keeps answering throughout.
 */
class BadInputTest extends E2eTestBase {
    private static final Duration REPLY = Duration.ofSeconds(10);
    private static final byte[] GARBAGE = {0x0a, 0x7f, 0x41}; // field 1, length 127, only 1 byte follows

    BadInputTest(PrivateContainerd ctd) {
        super(ctd);
    }

    /** What one probe got back; code -1 = no reply (timeout or connection closed, see message). */
    record Answer(int streamId, int code, String message, String state) {
        static Answer of(TtrpcRawClient.Reply r) {
            if (r == null) {
                return new Answer(0, -1, "no reply within " + REPLY.toSeconds() + "s", null);
            }
            String state = null;
            if (r.code() == 0) {
                try {
                    state = StateResponse.parseFrom(r.payload()).getStatus().name();
                } catch (IOException e) {
                    state = "undecodable StateResponse";
                }
            }
            return new Answer(r.streamId(), r.code(), r.message(), state);
        }

        static Answer failed(Exception e) {
            return new Answer(0, -1, e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }

        /** Comparable form: codes always, messages only where the reference is deterministic. */
        String key(boolean exactMessage) {
            String m = exactMessage ? message : message.replaceFirst(":.*", "");
            return "code=" + code + " msg=" + m + (state == null ? "" : " state=" + state);
        }
    }

    interface IoCall {
        TtrpcRawClient.Reply call() throws IOException;
    }

    private static Answer probe(IoCall c) {
        try {
            return Answer.of(c.call());
        } catch (IOException | RuntimeException e) {
            return Answer.failed(e);
        }
    }

    private static StateRequest state(String id) {
        return StateRequest.newBuilder().setId(id).build();
    }

    private Map<String, Answer> scenario(ShimRuntime rt) {
        Map<String, Answer> a = new LinkedHashMap<>();
        String id = containers.newId(rt, "bad");
        CmdResult run = ctr.runDetached(rt, id, SLEEPER);
        String st = run.ok() ? ctr.awaitStatus(id, "RUNNING", Duration.ofSeconds(10)) : ctr.taskStatus(id);
        if (!run.ok() || !st.equals("RUNNING")) {
            a.put("setup", new Answer(0, -1, run.describe() + " status " + st, null));
            return a;
        }
        Path socket;
        String service; // the Task service name containerd calls on this shim (v3 under 2.x)
        try {
            ShimEndpoint shim = ShimEndpoint.of(ctd.bundleDir(id));
            if (!shim.address().startsWith("unix://")) {
                a.put("setup", new Answer(0, -1, "shim address does not start with unix://: " + shim.address(), null));
                return a;
            }
            socket = shim.socket();
            service = shim.taskService();
        } catch (IOException e) {
            a.put("setup", Answer.failed(e));
            return a;
        }
        final String svc = service;
        try (TtrpcRawClient good = new TtrpcRawClient(socket); TtrpcRawClient bad = new TtrpcRawClient(socket)) {
            a.put("good: State(real) before", probe(() -> good.call(svc, "State", state(id), REPLY)));

            a.put("State(unknown id)", probe(() -> bad.call(svc, "State", state("no-such-" + id), REPLY)));
            a.put("good: State(real) after unknown id", probe(() -> good.call(svc, "State", state(id), REPLY)));

            a.put("even stream id", probe(() -> {
                bad.sendRequest(2, TtrpcRawClient.envelope(svc, "State", state(id)));
                return bad.readReply(REPLY);
            }));

            a.put("unknown method", probe(() -> bad.call(svc, "Bogus", state(id), REPLY)));
            a.put("unknown service", probe(() -> bad.call("containerd.task.v2.Nope", "State", state(id), REPLY)));
            a.put("undecodable payload", probe(() -> {
                int sid = bad.nextStreamId();
                bad.sendRequest(sid, io.rune.shim.api.ttrpc.Request.newBuilder().setService(svc).setMethod("State")
                        .setPayload(com.google.protobuf.ByteString.copyFrom(GARBAGE)).build().toByteArray());
                return bad.readReply(REPLY);
            }));

            int bigSid = bad.nextStreamId();
            a.put("oversized frame", probe(() -> {
                int len = TtrpcRawClient.MAX_MESSAGE + 1;
                bad.writeRaw(TtrpcRawClient.header(len, bigSid, TtrpcRawClient.TYPE_REQUEST, (byte) 0), new byte[len]);
                return bad.readReply(REPLY);
            }));
            a.put("oversized stream id echoed", new Answer(0, a.get("oversized frame").streamId() == bigSid ? 0 : -1,
                    "reply stream " + a.get("oversized frame").streamId() + ", request stream " + bigSid, null));
            a.put("same connection: State(real) after oversized", probe(() -> bad.call(svc, "State", state(id), REPLY)));
            a.put("good: State(real) after oversized", probe(() -> good.call(svc, "State", state(id), REPLY)));
        } catch (IOException e) {
            a.put("connect", Answer.failed(e));
        }
        // malformed envelope last, on its own connection (whether the server keeps that connection is informational)
        try (TtrpcRawClient mal = new TtrpcRawClient(socket); TtrpcRawClient good = new TtrpcRawClient(socket)) {
            a.put("malformed envelope", probe(() -> {
                mal.sendRequest(mal.nextStreamId(), GARBAGE);
                return mal.readReply(REPLY);
            }));
            Answer after = probe(() -> mal.call(svc, "State", state(id), Duration.ofSeconds(3)));
            System.err.println("[e2e] " + rt + ": same connection after the malformed envelope answers " + after);
            a.put("good: State(real) after malformed", probe(() -> good.call(svc, "State", state(id), REPLY)));
        } catch (IOException e) {
            a.put("connect (malformed)", Answer.failed(e));
        }
        a.put("ctr task ls afterwards", new Answer(0, 0, "", ctr.taskStatus(id)));
        return a;
    }

    /** Labels whose messages are compared verbatim; the others by code and message prefix. */
    private static final List<String> EXACT = List.of("State(unknown id)", "even stream id", "unknown method",
            "unknown service", "oversized frame");

    private static Map<String, String> comparable(Map<String, Answer> m) {
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, k.equals("undecodable payload") ? "code=" + v.code() : v.key(EXACT.contains(k))));
        return out;
    }

    private static List<Executable> absolute(String who, Map<String, Answer> m) {
        List<Executable> c = new ArrayList<>();
        c.add(() -> assertTrue(!m.containsKey("setup") && !m.containsKey("connect"), who + ": setup failed: " + m));
        if (m.containsKey("setup") || m.containsKey("connect")) {
            return c;
        }
        String running = "code=0 msg= state=" + Status.RUNNING.name();
        for (String k : m.keySet()) {
            if (k.contains("State(real)")) {
                c.add(() -> assertEquals(running, m.get(k).key(true), who + ": " + k));
            }
        }
        c.add(() -> assertEquals("code=5 msg=container not created: not found", m.get("State(unknown id)").key(true), who + ": State(unknown id)"));
        c.add(() -> assertEquals(3, m.get("malformed envelope").code(), who + ": malformed envelope code " + m.get("malformed envelope")));
        c.add(() -> assertTrue(m.get("malformed envelope").message().startsWith("unmarshal request error"),
                who + ": malformed envelope message " + m.get("malformed envelope")));
        c.add(() -> assertEquals("code=8 msg=message length 4194305 exceed maximum message size of 4194304",
                m.get("oversized frame").key(true), who + ": oversized frame"));
        c.add(() -> assertEquals(0, m.get("oversized stream id echoed").code(), who + ": " + m.get("oversized stream id echoed")));
        c.add(() -> assertEquals(12, m.get("unknown method").code(), who + ": unknown method " + m.get("unknown method")));
        c.add(() -> assertEquals(12, m.get("unknown service").code(), who + ": unknown service " + m.get("unknown service")));
        c.add(() -> assertEquals(3, m.get("even stream id").code(), who + ": even stream id " + m.get("even stream id")));
        c.add(() -> assertEquals("RUNNING", m.get("ctr task ls afterwards").state(), who + ": container after the bad input"));
        return c;
    }

    @Test
    void badInputGetsErrorRepliesAndOtherConnectionsKeepWorking() {
        Sides<Map<String, Answer>> s = Sides.run(ref, ut, this::scenario);
        List<Executable> checks = new ArrayList<>();
        checks.addAll(absolute("reference", s.ref()));
        checks.addAll(absolute("under test", s.ut()));
        checks.add(() -> assertEquals(comparable(s.ref()), comparable(s.ut()), "runtime under test differs from reference"));
        assertAll(checks);
    }
}
