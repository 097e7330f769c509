package io.homeport.api;

import io.homeport.presence.Presence;
import io.homeport.device.Device;
import io.homeport.stun.StunAttributes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** The API's JSON form of a device and its presence. Never includes the beacon key. */
final class DeviceJson {
  private DeviceJson() {}

  /**
   * @param node the cluster node holding the device while it is online; null when not clustered or offline
   * @param nat what the device reported of its NAT, shown with its presence
   */
  static JsonObject of(Device d, Optional<Presence> presence, String node, Optional<StunAttributes.NatBehaviour> nat,
      Set<String> groups) {
    JsonObject json = new JsonObject()
        .put("id", d.id())
        .put("name", d.name())
        .put("vendor", d.vendor())
        .put("metadata", d.metadataJson() == null ? new JsonObject() : new JsonObject(d.metadataJson()))
        .put("groups", new JsonArray(new java.util.ArrayList<>(groups)))
        .put("state", d.state().wireName())
        .put("createdAt", time(d.createdAt()))
        .put("enrolledAt", time(d.enrolledAt()))
        .put("revokedAt", time(d.revokedAt()));
    if (d.certificateSerial() != null) {
      json.put("certificate", new JsonObject()
          .put("serial", d.certificateSerial())
          .put("notAfter", time(d.certificateNotAfter())));
    }
    JsonObject p = new JsonObject().put("online", false);
    presence.ifPresent(pr -> {
      p.put("online", pr.online())
          .put("publicAddress", pr.publicAddress().getAddress().getHostAddress() + ":" + pr.publicAddress().getPort())
          .put("lastSeen", time(Instant.ofEpochMilli(pr.lastSeenMillis())))
          .put("keepaliveInterval", pr.intervalSeconds());
      if (pr.online()) {
        p.put("onlineSince", time(Instant.ofEpochMilli(pr.onlineSinceMillis())));
      }
      if (node != null) {
        p.put("node", node);
      }
    });
    nat.ifPresent(n -> p.put("nat", new JsonObject()
        .put("mapping", n.mapping().label())
        .put("mappingLifetime", new JsonObject()
            .put("atLeast", n.lifetimeAtLeastSeconds() == 0 ? null : n.lifetimeAtLeastSeconds())
            .put("below", n.lifetimeBelowSeconds() == 0 ? null : n.lifetimeBelowSeconds()))
        .put("keepaliveInterval", n.keepaliveIntervalSeconds())));
    return json.put("presence", p);
  }

  private static String time(Instant t) {
    return t == null ? null : t.toString();
  }
}
