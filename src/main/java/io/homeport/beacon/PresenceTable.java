package io.homeport.beacon;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory presence of every device heard recently. Written only by the beacon's event loop;
 * read from anywhere (the API). Never touches the store: it is rebuilt by the next keepalives after a
 * restart.
 *
 * <p>An entry outlives its device's offline transition by the nonce lifetime so that its last
 * sequence number keeps refusing replays for as long as any nonce the device held could be valid.
 */
public final class PresenceTable {

  private final Map<String, Presence> entries = new ConcurrentHashMap<>();
  private final PresenceListener listener;

  public PresenceTable(PresenceListener listener) {
    this.listener = listener;
  }

  /** True when this sequence number is above the last accepted one for the device. */
  public boolean isFresh(String deviceId, long sequence) {
    Presence p = entries.get(deviceId);
    return p == null || Long.compareUnsigned(sequence, p.lastSequence()) > 0;
  }

  /** Records an accepted keepalive and tells the listener about any change. */
  public Presence accept(String deviceId, InetSocketAddress from, long sequence, long nowMillis, int intervalSeconds) {
    Presence before = entries.get(deviceId);
    boolean wasOnline = before != null && before.online();
    Presence now = new Presence(deviceId, true, from, wasOnline ? before.onlineSinceMillis() : nowMillis, nowMillis,
        sequence, intervalSeconds);
    entries.put(deviceId, now);
    if (!wasOnline) {
      listener.online(now);
    } else if (!before.publicAddress().equals(from)) {
      listener.addressChanged(before, now);
    }
    return now;
  }

  /**
   * Marks devices silent for longer than {@code graceMillis} offline, and forgets entries silent
   * for longer than {@code forgetMillis}.
   *
   * @return how many devices went offline
   */
  public int sweep(long nowMillis, long graceMillis, long forgetMillis) {
    List<Presence> wentOffline = new ArrayList<>();
    for (Presence p : entries.values()) {
      long silent = nowMillis - p.lastSeenMillis();
      if (silent > forgetMillis) {
        entries.remove(p.deviceId());
        if (p.online()) {
          wentOffline.add(p);
        }
      } else if (p.online() && silent > graceMillis) {
        entries.put(p.deviceId(), new Presence(p.deviceId(), false, p.publicAddress(), p.onlineSinceMillis(),
            p.lastSeenMillis(), p.lastSequence(), p.intervalSeconds()));
        wentOffline.add(p);
      }
    }
    wentOffline.forEach(listener::offline);
    return wentOffline.size();
  }

  /** Forgets a device at once (revoked or deleted): it is offline from now on. */
  public void remove(String deviceId) {
    Presence p = entries.remove(deviceId);
    if (p != null && p.online()) {
      listener.offline(p);
    }
  }

  public Optional<Presence> get(String deviceId) {
    return Optional.ofNullable(entries.get(deviceId));
  }

  public int onlineCount() {
    int n = 0;
    for (Presence p : entries.values()) {
      if (p.online()) n++;
    }
    return n;
  }
}
