package io.homeport.plugin;

/** A jar in the plugins directory that did not load, and why. */
public record PluginFailure(String jar, String reason) {}
