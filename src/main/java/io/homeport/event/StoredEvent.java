package io.homeport.event;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One event as the durable log keeps it (DESIGN.md 2.4), and as subscribers receive it.
 *
 * @param id the store-assigned id: increasing, never reused; 0 for an event not stored yet
 * @param type the wire name ({@code command.succeeded}); a string, so that the log can hold types this
 *     release does not know
 * @param time when it happened, whole milliseconds (what the store keeps)
 * @param deviceId the device it concerns; null for events about no device ({@code plugin.*})
 * @param data the details as JSON object text
 */
public record StoredEvent(long id, String type, Instant time, String deviceId, String data) {
  public StoredEvent {
    if (id < 0) {
      throw new IllegalArgumentException("id must be >= 0: " + id);
    }
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(data, "data");
  }

  /**
   * The event to store: time truncated to milliseconds, data encoded as JSON.
   *
   * @throws IllegalArgumentException when the data cannot be encoded as JSON
   */
  public static StoredEvent unsaved(DomainEvent event) {
    String data;
    try {
      data = new JsonObject(EventJson.data(event)).encode();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("event " + event.type().wireName() + " has data that is not JSON: "
          + e.getMessage(), e);
    }
    return new StoredEvent(0, event.type().wireName(), event.time().truncatedTo(ChronoUnit.MILLIS),
        event.deviceId(), data);
  }

  /** This event with the id the store gave it. */
  public StoredEvent withId(long newId) {
    return new StoredEvent(newId, type, time, deviceId, data);
  }

  /** This event at another time (whole milliseconds are kept). */
  public StoredEvent withTime(Instant newTime) {
    return new StoredEvent(id, type, newTime, deviceId, data);
  }

  /** The wire shape: {@code {id, type, time, deviceId, data}}, the same on the event bus and the stream. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("type", type)
        .put("time", time.toString())
        .put("deviceId", deviceId)
        .put("data", new JsonObject(data));
  }
}
