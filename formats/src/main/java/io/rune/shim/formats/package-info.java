/**
 * JSON and TOML for the shim, with the JDK alone: a sealed value tree ({@link io.rune.shim.formats.JsonValue}),
 * {@link io.rune.shim.formats.Json} (RFC 8259) and {@link io.rune.shim.formats.Toml} (TOML 1.0 but inf/nan).
 * Small on purpose: every class here is loaded into each daemon's start-up cache.
 */
package io.rune.shim.formats;
