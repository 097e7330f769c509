package io.homeport.command;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which devices have commands due right now: the in-memory answer to the keepalive's "pending"
 * question, so the keepalive path never asks the store. Kept in step with the store by
 * {@link CommandService}. Thread-safe.
 */
public final class PendingCommands {
  private final Set<String> devices = ConcurrentHashMap.newKeySet();

  public boolean hasDue(String deviceId) {
    return devices.contains(deviceId);
  }

  /** @return true when the device was not marked before */
  boolean mark(String deviceId) {
    return devices.add(deviceId);
  }

  void clear(String deviceId) {
    devices.remove(deviceId);
  }

  /** Replaces the set; returns the devices that were not marked before. */
  Set<String> replace(Collection<String> due) {
    Set<String> added = ConcurrentHashMap.newKeySet();
    for (String d : due) {
      if (devices.add(d)) added.add(d);
    }
    devices.retainAll(Set.copyOf(due));
    return added;
  }
}
