package io.rune.shim.sys;

/** A reaped child and its raw wait status, decoded the way shells and containerd report it. */
public record WaitStatus(int pid, int raw) {
    public boolean signaled() {
        int sig = raw & 0x7f;
        return sig != 0 && sig != 0x7f;
    }

    public int signal() {
        return signaled() ? raw & 0x7f : 0;
    }

    /** exited → its code; killed by a signal → 128 + signal number. */
    public int exitStatus() {
        return signaled() ? 128 + signal() : (raw >> 8) & 0xff;
    }
}
