package io.homeport.event;

import java.time.Instant;
import java.util.Objects;

/** The {@code plugin.*} events of a (re)load of the plugins directory; they concern no device. */
public sealed interface PluginEvent extends DomainEvent {

  @Override
  default String deviceId() {
    return null;
  }

  /** A plugin jar loaded. */
  record Loaded(Instant time, String plugin, String version, String jar) implements PluginEvent {
    public Loaded {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(plugin, "plugin");
      Objects.requireNonNull(version, "version");
      Objects.requireNonNull(jar, "jar");
    }

    @Override
    public EventType type() {
      return EventType.PLUGIN_LOADED;
    }
  }

  /** A jar in the plugins directory could not be loaded, for this reason. */
  record Failed(Instant time, String jar, String reason) implements PluginEvent {
    public Failed {
      Objects.requireNonNull(time, "time");
      Objects.requireNonNull(jar, "jar");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public EventType type() {
      return EventType.PLUGIN_FAILED;
    }
  }
}
