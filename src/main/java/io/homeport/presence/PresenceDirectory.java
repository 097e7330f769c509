package io.homeport.presence;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Which devices are online and at which public address (their NAT mapping), as the beacon learns it
 * from keepalives (DESIGN.md 1 and 7). In memory only: after a restart the next keepalives rebuild it.
 *
 * <p>The beacon writes it, from each of its event loops at once; anyone reads it, from any thread.
 * Other capabilities hear about changes through {@link PresenceListener}s. The server builder's default is the local {@link PresenceTable};
 * a clustered directory can replace it.
 */
public interface PresenceDirectory {

  /**
   * Records a keepalive if its sequence number is above the last accepted one for the device
   * (anti-replay), and tells the listeners about any change. Check and record are one atomic step:
   * when several threads offer the same sequence number, exactly one of them gets it accepted.
   *
   * @return the new entry, or null when the sequence number is not above the last accepted one
   *     (a replay: nothing changed)
   */
  Presence accept(String deviceId, InetSocketAddress from, long sequence, long nowMillis, int intervalSeconds);

  /**
   * Marks devices silent for longer than {@code graceMillis} offline, and forgets entries silent for
   * longer than {@code forgetMillis}.
   *
   * @return how many devices went offline
   */
  int sweep(long nowMillis, long graceMillis, long forgetMillis);

  /** Forgets a device at once (revoked or deleted): it is offline from now on. */
  void remove(String deviceId);

  /**
   * Cluster mode: the device's keepalives now reach another node, which holds it from now on. It is no
   * longer online here, and no listener hears of it (the device did not go offline); its last sequence
   * number is kept, so a replay of an old keepalive to this node is still refused.
   */
  default void movedAway(String deviceId) {}

  Optional<Presence> get(String deviceId);

  int onlineCount();

  /** The devices online now (a snapshot; for occasional fleet-wide work such as urgent address lists). */
  java.util.List<String> onlineDevices();

  void addListener(PresenceListener listener);

  void removeListener(PresenceListener listener);
}
