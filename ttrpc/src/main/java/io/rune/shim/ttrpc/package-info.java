/**
 * ttrpc: the small RPC protocol containerd speaks with its shims (docs/protocol.md §2).
 *
 * <p>Wire: a 10-byte header (length, stream id, type, flags) followed by a protobuf
 * {@code ttrpc.Request} or {@code ttrpc.Response}. All shim APIs are unary, so only
 * Request/Response frames matter; streaming (Data frames) is never used on shim connections.
 *
 * <ul>
 *   <li>{@link io.rune.shim.ttrpc.FrameCodec} reads and writes frames.</li>
 *   <li>{@link io.rune.shim.ttrpc.TtrpcServer} serves a {@link io.rune.shim.ttrpc.ServiceRegistry}
 *       on a Unix listening socket, one virtual thread per request.</li>
 *   <li>{@link io.rune.shim.ttrpc.TtrpcClient} calls a ttrpc server (the shim publishes events
 *       to containerd with it).</li>
 *   <li>{@link io.rune.shim.ttrpc.TtrpcException} carries a gRPC status code and message, which
 *       containerd maps back to its error kinds.</li>
 * </ul>
 */
package io.rune.shim.ttrpc;
