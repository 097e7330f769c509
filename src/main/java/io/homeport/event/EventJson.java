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

  private static void putIfPresent(Map<String, Object> data, String key, Object value) {
    if (value != null) {
      data.put(key, value);
    }
  }
}
