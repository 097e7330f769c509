package io.homeport.presence;

import io.homeport.stun.StunAttributes.NatBehaviour;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What devices learned of their NATs (mapping behaviour, idle mapping lifetime) and the keepalive
 * interval they chose from it, as they report it in keepalives ({@code NAT-BEHAVIOUR}). In memory only,
 * like presence: the next keepalives bring it back after a restart. Thread-safe.
 */
public final class NatBehaviours {
  private record Held(long packed, NatBehaviour behaviour) {}

  private final Map<String, Held> byDevice = new ConcurrentHashMap<>();

  /**
   * The device's latest report, as the attribute's raw u64: a report equal to the held one (nearly every
   * keepalive) allocates nothing.
   *
   * @param packed as {@link io.homeport.stun.StunAttributes#readNatBehaviourPacked} read it (validated)
   */
  public void report(String deviceId, long packed) {
    Held held = byDevice.get(deviceId);
    if (held == null || held.packed() != packed) {
      byDevice.put(deviceId, new Held(packed, NatBehaviour.unpack(packed)));
    }
  }

  /** What the device last reported, if anything. */
  public Optional<NatBehaviour> of(String deviceId) {
    Held held = byDevice.get(deviceId);
    return held == null ? Optional.empty() : Optional.of(held.behaviour());
  }

  /** Forgets the device (revoked, deleted). */
  public void remove(String deviceId) {
    byDevice.remove(deviceId);
  }
}
