package io.homeport.plugin;

import io.homeport.plugin.spi.HomeportPlugin;
import io.homeport.plugin.spi.PluginDescriptor;

/** A plugin that loaded: its jar, what it declared, and the instance. */
public record LoadedPlugin(String jar, PluginDescriptor descriptor, HomeportPlugin plugin) {}
