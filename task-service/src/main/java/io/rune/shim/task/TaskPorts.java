package io.rune.shim.task;

import io.rune.shim.carrier.CommandRunner;
import io.rune.shim.runc.Monitor;
import io.rune.shim.stdio.HelperLauncher;

/**
 * How the task service starts processes: rune calls, carrier tools and stdio helpers. The shim
 * implements all three with its one reaper-backed command runner; tests with fakes.
 */
public record TaskPorts(Monitor rune, CommandRunner carrier, HelperLauncher helpers) {}
