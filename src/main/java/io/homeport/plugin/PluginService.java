package io.homeport.plugin;

import io.homeport.event.Event;
import io.homeport.event.EventPublisher;
import io.homeport.event.EventType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.Map;

/** Loads and reloads the plugins off the event loop and reports each outcome as an event. */
public final class PluginService {
  private final Vertx vertx;
  private final PluginRegistry registry;
  private final EventPublisher events;
  private final Clock clock;

  public PluginService(Vertx vertx, PluginRegistry registry, EventPublisher events, Clock clock) {
    this.vertx = vertx;
    this.registry = registry;
    this.events = events;
    this.clock = clock;
  }

  public PluginRegistry registry() {
    return registry;
  }

  /** Loads the plugins directory again; the previous plugins stay usable until then and are released after. */
  public Future<PluginSet> reload() {
    return vertx.executeBlocking(registry::reload, false).onSuccess(set -> {
      set.loaded().forEach(p -> events.publish(new Event(EventType.PLUGIN_LOADED, clock.instant(), null,
          Map.of("plugin", p.descriptor().id(), "version", p.descriptor().version(), "jar", p.jar()))));
      set.failed().forEach(f -> events.publish(new Event(EventType.PLUGIN_FAILED, clock.instant(), null,
          Map.of("jar", f.jar(), "reason", f.reason()))));
    });
  }
}
