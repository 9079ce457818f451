package io.rune.shim.ttrpc;

/**
 * What {@link FrameCodec#read} found on the stream: a whole frame, a frame whose body was too
 * large (already skipped, so the stream is still aligned), or a clean end of stream.
 */
public sealed interface ReadResult permits Frame, OversizedFrame, EndOfStream {
}
