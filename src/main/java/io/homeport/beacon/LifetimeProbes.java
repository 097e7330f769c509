package io.homeport.beacon;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The delayed answers to NAT-PROBE requests the beacon holds (DESIGN 5.1, mapping lifetime discovery).
 * Each held answer costs memory until it is sent, so a device may have only a few outstanding and the
 * beacon only so many in all; a probe beyond either limit is refused. Thread-safe: the intake threads
 * reserve, the threads that send the answers release.
 */
public final class LifetimeProbes {
  /** A device probes one idle time at a time; two lets a retry overlap a late answer. */
  public static final int PER_DEVICE = 2;
  /** In all: a whole fleet rediscovering at once (after a server move) is spread over a few minutes. */
  public static final int IN_ALL = 10_000;

  private final Map<String, Integer> byDevice = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();

  /** Takes a place for one delayed answer to the device; false when a limit is reached. */
  public boolean reserve(String deviceId) {
    if (total.incrementAndGet() > IN_ALL) {
      total.decrementAndGet();
      return false;
    }
    boolean[] taken = {false};
    byDevice.compute(deviceId, (id, n) -> {
      int held = n == null ? 0 : n;
      if (held >= PER_DEVICE) {
        return n;
      }
      taken[0] = true;
      return held + 1;
    });
    if (!taken[0]) {
      total.decrementAndGet();
    }
    return taken[0];
  }

  /** Gives back the place of an answer that was sent (or dropped). */
  public void release(String deviceId) {
    byDevice.computeIfPresent(deviceId, (id, n) -> n <= 1 ? null : n - 1);
    total.decrementAndGet();
  }

  /** Delayed answers held now. */
  public int outstanding() {
    return total.get();
  }
}
