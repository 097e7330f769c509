package io.homeport.event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place where typed events become the wire form of DESIGN.md 2.4: the {@code data} member of
 * {@code {id, type, time, deviceId, data}}. The envelope is {@link StoredEvent#toJson}.
 */
public final class EventJson {
  private EventJson() {}

  /** The event's {@code data}: JSON-compatible values (strings, numbers, booleans, maps, lists). */
  public static Map<String, Object> data(DomainEvent event) {
    Map<String, Object> data = new LinkedHashMap<>();
    if (event instanceof DeviceEvent.Enrolled e) {
      data.put("certificateSerial", e.certificateSerial());
    } else if (event instanceof DeviceEvent.Online e) {
      data.put("publicAddress", e.publicAddress());
    } else if (event instanceof DeviceEvent.AddressChanged e) {
      data.put("previousAddress", e.previousAddress());
      data.put("publicAddress", e.publicAddress());
    } else if (event instanceof DeviceEvent.Offline e) {
      data.put("lastSeen", e.lastSeen().toString());
      data.put("publicAddress", e.publicAddress());
    } else if (event instanceof DeviceEvent.Revoked e) {
      if (e.deleted()) {
        data.put("deleted", true);
      }
    } else if (event instanceof DeviceEvent.ApplicationWoken e) {
      data.put("applicationServer", e.applicationServer());
    } else if (event instanceof DeviceEvent.ApplicationFailed e) {
      data.put("applicationServer", e.applicationServer());
      data.put("reason", e.reason());
      putIfPresent(data, "detail", e.detail().isEmpty() ? null : e.detail());
    } else if (event instanceof CommandEvent e) {
      data.put("commandId", e.commandId());
      data.put("action", e.action());
      data.put("state", e.state());
      putIfPresent(data, "status", e.status());
      putIfPresent(data, "code", e.code());
      putIfPresent(data, "result", e.result());
      if (e.appliance() != null) {
        data.put("plugin", e.appliance().plugin());
        data.put("appliance", Map.of("type", e.appliance().type(), "address", e.appliance().address()));
      }
    } else if (event instanceof SessionEvent e) {
      data.put("sessionId", e.sessionId());
      data.put("role", e.role());
      putIfPresent(data, "peerId", e.peerId());
      if (e instanceof SessionEvent.Requested r) {
        putIfPresent(data, "mode", r.mode());
      } else if (e instanceof SessionEvent.Established r) {
        data.put("expiresAt", r.expiresAt().toString());
      } else if (e instanceof SessionEvent.Extended r) {
        data.put("expiresAt", r.expiresAt().toString());
        data.put("extendedBy", r.extendedBy());
      } else if (e instanceof SessionEvent.Ended r) {
        data.put("reason", r.reason());
        data.put("endedBy", r.endedBy());
      } else if (e instanceof SessionEvent.Rejected r) {
        data.put("reason", r.reason());
      }
    } else if (event instanceof PluginEvent.Loaded e) {
      data.put("plugin", e.plugin());
      data.put("version", e.version());
      data.put("jar", e.jar());
    } else if (event instanceof PluginEvent.Failed e) {
      data.put("jar", e.jar());
      data.put("reason", e.reason());
    } else if (event instanceof AddressListEvent.Published e) {
      data.put("scope", e.scope());
      data.put("version", e.version());
      data.put("urgent", e.urgent());
      data.put("entries", e.entries());
    } else {
      throw new IllegalArgumentException("no wire form for " + event.getClass().getName());
    }
    return data;
  }

  /** Command states after which nothing changes (command.CommandState#isFinal; events sit below commands). */
  private static final java.util.Set<String> FINAL_COMMAND_STATES =
      java.util.Set.of("succeeded", "failed", "expired", "timed-out", "cancelled");

  /**
   * The typed event back from its stored form: what {@link #data} wrote, read again. Cluster mode reads
   * the events other nodes stored this way, so that every node's consumers see every event typed.
   *
   * @throws IllegalArgumentException for a type this version does not know
   */
  public static DomainEvent parse(StoredEvent stored) {
    io.vertx.core.json.JsonObject d = new io.vertx.core.json.JsonObject(stored.data());
    java.time.Instant t = stored.time();
    String device = stored.deviceId();
    EventType type = java.util.Arrays.stream(EventType.values()).filter(e -> e.wireName().equals(stored.type()))
        .findFirst().orElseThrow(() -> new IllegalArgumentException("unknown event type " + stored.type()));
    return switch (type) {
      case DEVICE_ENROLLED -> new DeviceEvent.Enrolled(device, t, d.getString("certificateSerial"));
      case DEVICE_ONLINE -> new DeviceEvent.Online(device, t, d.getString("publicAddress"));
      case DEVICE_ADDRESS_CHANGED -> new DeviceEvent.AddressChanged(device, t, d.getString("previousAddress"),
          d.getString("publicAddress"));
      case DEVICE_OFFLINE -> new DeviceEvent.Offline(device, t, java.time.Instant.parse(d.getString("lastSeen")),
          d.getString("publicAddress"));
      case DEVICE_REVOKED -> new DeviceEvent.Revoked(device, t, d.getBoolean("deleted", false));
      case DEVICE_APPLICATION_WOKEN -> new DeviceEvent.ApplicationWoken(device, t, d.getString("applicationServer"));
      case DEVICE_APPLICATION_FAILED -> new DeviceEvent.ApplicationFailed(device, t, d.getString("applicationServer"),
          d.getString("reason"), d.getString("detail", ""));
      case COMMAND_QUEUED, COMMAND_WOKEN, COMMAND_DELIVERED, COMMAND_SUCCEEDED, COMMAND_FAILED, COMMAND_EXPIRED,
          COMMAND_TIMED_OUT, COMMAND_CANCELLED -> {
        io.vertx.core.json.JsonObject appliance = d.getJsonObject("appliance");
        Object result = d.getValue("result");
        yield new CommandEvent(type, t, device, d.getString("commandId"), d.getString("action"), d.getString("state"),
            FINAL_COMMAND_STATES.contains(d.getString("state")), d.getString("status"), d.getString("code"),
            result instanceof io.vertx.core.json.JsonObject o ? o.getMap()
                : result instanceof io.vertx.core.json.JsonArray a ? a.getList() : result,
            appliance == null ? null
                : new CommandEvent.Appliance(d.getString("plugin"), appliance.getString("type"), appliance.getString("address")));
      }
      case SESSION_REQUESTED -> new SessionEvent.Requested(device, t, d.getString("sessionId"), d.getString("role"),
          d.getString("peerId"), d.getString("mode"));
      case SESSION_ESTABLISHED -> new SessionEvent.Established(device, t, d.getString("sessionId"), d.getString("role"),
          d.getString("peerId"), java.time.Instant.parse(d.getString("expiresAt")));
      case SESSION_EXTENDED -> new SessionEvent.Extended(device, t, d.getString("sessionId"), d.getString("role"),
          d.getString("peerId"), java.time.Instant.parse(d.getString("expiresAt")), d.getString("extendedBy"));
      case SESSION_ENDED -> new SessionEvent.Ended(device, t, d.getString("sessionId"), d.getString("role"),
          d.getString("peerId"), d.getString("reason"), d.getString("endedBy"));
      case SESSION_REJECTED -> new SessionEvent.Rejected(device, t, d.getString("sessionId"), d.getString("role"),
          d.getString("peerId"), d.getString("reason"));
      case PLUGIN_LOADED -> new PluginEvent.Loaded(t, d.getString("plugin"), d.getString("version"), d.getString("jar"));
      case PLUGIN_FAILED -> new PluginEvent.Failed(t, d.getString("jar"), d.getString("reason"));
      case ADDRESSLIST_PUBLISHED -> new AddressListEvent.Published(t, d.getString("scope"), d.getLong("version"),
          d.getBoolean("urgent"), d.getInteger("entries"));
    };
  }

  private static void putIfPresent(Map<String, Object> data, String key, Object value) {
    if (value != null) {
      data.put(key, value);
    }
  }
}
