package io.homeport.plugin;

import io.homeport.lifecycle.Lifecycle;
import io.homeport.event.PluginEvent;
import io.homeport.event.EventPublisher;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/** Loads and reloads the plugins off the event loop and reports each outcome as an event. */
public final class PluginService implements Lifecycle {
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

  /** Loads the plugins directory. */
  @Override
  public Future<Void> start() {
    return reload().mapEmpty();
  }

  public PluginRegistry registry() {
    return registry;
  }

  /** Loads the plugins directory again; the previous plugins stay usable until then and are released after. */
  public Future<PluginSet> reload() {
    return vertx.executeBlocking(registry::reload, false).onSuccess(set -> {
      set.loaded().forEach(p -> events.publish(
          new PluginEvent.Loaded(clock.instant(), p.descriptor().id(), p.descriptor().version(), p.jar())));
      set.failed().forEach(f -> events.publish(new PluginEvent.Failed(clock.instant(), f.jar(), f.reason())));
    });
  }
}
