package io.rune.shim.frame;

/**
 * What the frame hands a manager's daemon.
 *
 * @param flags    the daemon's command line
 * @param shimPid  this process
 * @param commands runs commands and helpers, and reports exits of re-parented processes
 * @param events   publishes events to containerd, in order
 * @param exit     the manager runs it when nothing is left to serve (Shutdown with no container):
 *                 the daemon then flushes its events, removes its socket and exits 0
 */
public record DaemonContext(Flags flags, int shimPid, ReaperCommands commands, EventPublisher events, Runnable exit) {}
