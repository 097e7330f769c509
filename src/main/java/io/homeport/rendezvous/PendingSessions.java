package io.homeport.rendezvous;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which devices have session news they have not fetched (an offer, a consent request, an extension, an
 * end order): the in-memory answer to the keepalive's PENDING session flag and to the wake reason, so
 * the keepalive path never asks anyone else. Kept by {@link RendezvousProcessor}. Thread-safe.
 */
public final class PendingSessions {
  private final Set<String> devices = ConcurrentHashMap.newKeySet();

  public boolean hasNews(String deviceId) {
    return devices.contains(deviceId);
  }

  void mark(String deviceId) {
    devices.add(deviceId);
  }

  void clear(String deviceId) {
    devices.remove(deviceId);
  }
}
