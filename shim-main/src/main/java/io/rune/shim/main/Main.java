package io.rune.shim.main;

import io.rune.shim.frame.ShimFrame;

/**
 * containerd-shim-rune-v2: the shim frame running the rune manager. The installed launcher and
 * the Makefile's training run start this class.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        ShimFrame.run(new RuneShim(), args);
    }
}
