package io.homeport.presence;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local presence directory: one map in this process. Written only by the beacon's event loop; read
 * from anywhere (the API). Never touches the store.
 *
 * <p>An entry outlives its device's offline transition by the nonce lifetime so that its last
 * sequence number keeps refusing replays for as long as any nonce the device held could be valid.
 */
public final class PresenceTable implements PresenceDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceTable.class);

  private final Map<String, Presence> entries = new ConcurrentHashMap<>();
  // few listeners, added at start, called on every change: copy on write keeps iteration lock-free
  private final List<PresenceListener> listeners = new CopyOnWriteArrayList<>();

  @Override
  public void addListener(PresenceListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(PresenceListener listener) {
    listeners.remove(listener);
  }

  @Override
  public boolean isFresh(String deviceId, long sequence) {
    Presence p = entries.get(deviceId);
    return p == null || Long.compareUnsigned(sequence, p.lastSequence()) > 0;
  }

  @Override
  public Presence accept(String deviceId, InetSocketAddress from, long sequence, long nowMillis, int intervalSeconds) {
    Presence before = entries.get(deviceId);
    boolean wasOnline = before != null && before.online();
    Presence now = new Presence(deviceId, true, from, wasOnline ? before.onlineSinceMillis() : nowMillis, nowMillis,
        sequence, intervalSeconds);
    entries.put(deviceId, now);
    if (!wasOnline) {
      notify(Change.ONLINE, before, now);
    } else if (!before.publicAddress().equals(from)) {
      notify(Change.ADDRESS_CHANGED, before, now);
    }
    return now;
  }

  @Override
  public int sweep(long nowMillis, long graceMillis, long forgetMillis) {
    List<Presence[]> wentOffline = new ArrayList<>();
    for (Presence p : entries.values()) {
      long silent = nowMillis - p.lastSeenMillis();
      if (silent > forgetMillis) {
        entries.remove(p.deviceId());
        if (p.online()) {
          wentOffline.add(new Presence[] {p, p.offline()});
        }
      } else if (p.online() && silent > graceMillis) {
        Presence offline = p.offline();
        entries.put(p.deviceId(), offline);
        wentOffline.add(new Presence[] {p, offline});
      }
    }
    wentOffline.forEach(pair -> notify(Change.OFFLINE, pair[0], pair[1]));
    return wentOffline.size();
  }

  @Override
  public void remove(String deviceId) {
    Presence p = entries.remove(deviceId);
    if (p != null && p.online()) {
      notify(Change.OFFLINE, p, p.offline());
    }
  }

  @Override
  public Optional<Presence> get(String deviceId) {
    return Optional.ofNullable(entries.get(deviceId));
  }

  @Override
  public int onlineCount() {
    int n = 0;
    for (Presence p : entries.values()) {
      if (p.online()) n++;
    }
    return n;
  }

  private enum Change { ONLINE, ADDRESS_CHANGED, OFFLINE }

  private void notify(Change change, Presence previous, Presence current) {
    for (PresenceListener listener : listeners) {
      try {
        switch (change) {
          case ONLINE -> listener.online(previous, current);
          case ADDRESS_CHANGED -> listener.addressChanged(previous, current);
          case OFFLINE -> listener.offline(previous, current);
        }
      } catch (RuntimeException e) {
        LOG.error("presence listener {} failed on {} of device {}", listener, change, current.deviceId(), e);
      }
    }
  }
}
