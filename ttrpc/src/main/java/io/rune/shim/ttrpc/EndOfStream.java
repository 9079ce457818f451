package io.rune.shim.ttrpc;

/** The peer closed the stream exactly at a frame boundary (an orderly disconnect). */
public record EndOfStream() implements ReadResult {
}
