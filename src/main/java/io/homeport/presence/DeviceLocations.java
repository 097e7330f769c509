package io.homeport.presence;

import io.homeport.stun.StunAttributes.NatBehaviour;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Where online devices are across the whole server (DESIGN 7): on one node its own presence directory;
 * in a cluster also the devices other nodes hold, as the clustered directory publishes them. Read by the
 * API (presence of any device, on any node) and by the session broker (candidates for offers). Answers
 * from memory, from any thread.
 */
public interface DeviceLocations {

  /**
   * An online device and the node that holds it.
   *
   * @param node the node whose beacon accepted its last keepalive ({@code cluster.host:cluster.port});
   *     null on a server that is not clustered
   * @param presence its presence as that node last published it ({@code lastSeen} is at most one directory
   *     refresh old for a device another node holds)
   * @param lanEndpoints the LAN endpoints it reported
   * @param nat what it reported of its NAT; null when nothing
   */
  record Location(String node, Presence presence, List<InetSocketAddress> lanEndpoints, NatBehaviour nat) {}

  /** The device's location while it is online anywhere; empty while it is offline. */
  Optional<Location> find(String deviceId);

  /**
   * Cluster mode: another live node holds the device. Asked when it comes online here: if another node
   * still holds it, it moved (a balancer sends its keepalives here now) rather than came online.
   */
  default boolean heldElsewhere(String deviceId) {
    return false;
  }

  /** This node's own view: its presence directory, the LAN endpoints and NAT reports its beacon heard. */
  static DeviceLocations local(PresenceDirectory presence, LanEndpoints lan, NatBehaviours nat) {
    return deviceId -> presence.get(deviceId).filter(Presence::online)
        .map(p -> new Location(null, p, lan.of(deviceId), nat.of(deviceId).orElse(null)));
  }
}
