package io.homeport.event;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Publishes domain events on {@link EventAddresses#EVENTS} as JSON. */
public final class EventBusPublisher implements EventPublisher {
  private final EventBus bus;

  public EventBusPublisher(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void publish(Event event) {
    bus.publish(EventAddresses.EVENTS, toJson(event));
  }

  public static JsonObject toJson(Event event) {
    return new JsonObject()
        .put("type", event.type().wireName())
        .put("time", event.time().toString())
        .put("deviceId", event.deviceId())
        .put("data", new JsonObject(new java.util.LinkedHashMap<>(event.data())));
  }
}
