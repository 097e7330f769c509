package io.homeport.presence;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The LAN endpoints devices report in their keepalives ({@code LOCAL-ENDPOINT}), the candidates two
 * devices behind the same router reach each other by. In memory only, like presence; only devices that
 * report any have an entry. Thread-safe.
 */
public final class LanEndpoints {
  /** Endpoints kept per device; a keepalive carrying more is cut to these. */
  public static final int MAX_PER_DEVICE = 4;

  private final Map<String, List<InetSocketAddress>> byDevice = new ConcurrentHashMap<>();

  /** The device's latest report: replaces the earlier one; an empty one removes it. */
  public void report(String deviceId, List<InetSocketAddress> endpoints) {
    if (endpoints.isEmpty()) {
      byDevice.remove(deviceId);
    } else if (!endpoints.equals(byDevice.get(deviceId))) {
      byDevice.put(deviceId, List.copyOf(endpoints.subList(0, Math.min(MAX_PER_DEVICE, endpoints.size()))));
    }
  }

  /** What the device last reported; empty when nothing. */
  public List<InetSocketAddress> of(String deviceId) {
    return byDevice.getOrDefault(deviceId, List.of());
  }

  /** Forgets the device (offline, revoked). */
  public void remove(String deviceId) {
    byDevice.remove(deviceId);
  }
}
