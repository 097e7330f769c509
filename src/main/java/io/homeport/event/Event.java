package io.homeport.event;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One domain event before it is stored: what happened, when, to which device, with details.
 *
 * @param data JSON-compatible details (strings, numbers, booleans, nested maps and lists)
 */
public record Event(EventType type, Instant time, String deviceId, Map<String, Object> data) {
  public Event {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(time, "time");
    data = Map.copyOf(data);
  }
}
