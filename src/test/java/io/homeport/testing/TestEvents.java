package io.homeport.testing;

import io.homeport.command.CommandState;
import io.homeport.event.CommandEvent;
import io.homeport.event.DeviceEvent;
import io.homeport.event.DomainEvent;
import io.homeport.event.EventType;
import io.homeport.event.PluginEvent;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Map;

/**
 * Typed events for tests of the event log and the stream, carrying values the test reads back from
 * the wire form: free values in a command event's result, or a marker string in a field every type has.
 */
public final class TestEvents {
  private TestEvents() {}

  /** A {@code command.succeeded} event whose result is these values; read them back with {@link #result}. */
  public static CommandEvent withResult(String deviceId, Map<String, Object> result) {
    return withResult(EventType.COMMAND_SUCCEEDED, deviceId, result);
  }

  /** A command event of this type whose result is these values. */
  public static CommandEvent withResult(EventType type, String deviceId, Map<String, Object> result) {
    String state = type.wireName().substring("command.".length());
    boolean isFinal = CommandState.fromWireName(state).orElseThrow().isFinal();
    return new CommandEvent(type, Instant.now(), deviceId, "cmd-test", "test", state, isFinal, "ok", null, result, null);
  }

  /** {@code data.result} of an event as the stream or the bus carries it. */
  public static JsonObject result(JsonObject wireEvent) {
    return wireEvent.getJsonObject("data").getJsonObject("result");
  }

  /**
   * An event of this type (and device; null for plugin events) with the marker in a string field:
   * the address of device events, the action of command events, the jar of plugin events.
   */
  public static DomainEvent marked(EventType type, String deviceId, String marker) {
    Instant now = Instant.now();
    return switch (type) {
      case DEVICE_ENROLLED -> new DeviceEvent.Enrolled(deviceId, now, marker);
      case DEVICE_ONLINE -> new DeviceEvent.Online(deviceId, now, marker);
      case DEVICE_ADDRESS_CHANGED -> new DeviceEvent.AddressChanged(deviceId, now, marker, marker);
      case DEVICE_OFFLINE -> new DeviceEvent.Offline(deviceId, now, now, marker);
      case DEVICE_REVOKED -> new DeviceEvent.Revoked(deviceId, now, false);
      case PLUGIN_LOADED -> new PluginEvent.Loaded(now, "test-plugin", "1.0", marker);
      case PLUGIN_FAILED -> new PluginEvent.Failed(now, marker, "test");
      default -> new CommandEvent(type, now, deviceId, "cmd-test", marker,
          type.wireName().substring("command.".length()), false, null, null, null, null);
    };
  }

  /** The marker {@link #marked} put into an event, as the stream carries it; null when none. */
  public static String marker(JsonObject wireEvent) {
    JsonObject data = wireEvent.getJsonObject("data");
    for (String field : new String[] {"publicAddress", "certificateSerial", "action", "jar"}) {
      if (data.containsKey(field)) {
        return data.getString(field);
      }
    }
    return null;
  }
}
