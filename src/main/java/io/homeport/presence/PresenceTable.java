package io.homeport.presence;

import io.homeport.compact.IdTable;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local presence directory: in this process's memory, never in the store. Written by every beacon
 * instance (one per event loop) and read from anywhere (the API, wakes).
 *
 * <p>An entry outlives its device's offline transition by the nonce lifetime so that its last
 * sequence number keeps refusing replays for as long as any nonce the device held could be valid.
 *
 * <p>Sized for a million online devices at about 75 bytes each (the fleet bench measures it):
 * devices are spread over shards, each an {@link IdTable} with the fields of its entries in
 * primitive arrays, under the shard's own lock; an IPv4 mapping packs into one long (IPv6 mappings
 * are kept as objects beside it). {@link Presence} records are made when read. A device's change
 * and its listener calls happen under its shard's lock, so listeners hear each device's changes
 * once each and in order.
 */
public final class PresenceTable implements PresenceDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(PresenceTable.class);
  private static final int SHARDS = 64;

  private final Shard[] shards = new Shard[SHARDS];
  private final AtomicInteger online = new AtomicInteger();
  // few listeners, added at start, called on every change: copy on write keeps iteration lock-free
  private final List<PresenceListener> listeners = new CopyOnWriteArrayList<>();

  public PresenceTable() {
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard();
    }
  }

  @Override
  public void addListener(PresenceListener listener) {
    listeners.add(listener);
  }

  @Override
  public void removeListener(PresenceListener listener) {
    listeners.remove(listener);
  }

  @Override
  public Presence accept(String deviceId, InetSocketAddress from, long sequence, long nowMillis, int intervalSeconds) {
    Shard shard = shardOf(deviceId);
    shard.lock.lock();
    try {
      int entry = shard.ids.find(deviceId);
      Presence previous = null;
      Change change = null;
      if (entry < 0) {
        entry = shard.add(deviceId);
        change = Change.ONLINE;
      } else if (Long.compareUnsigned(sequence, shard.lastSequence[entry]) <= 0) {
        return null;
      } else if (!shard.isOnline(entry)) {
        previous = shard.presence(entry, deviceId);
        change = Change.ONLINE;
      } else if (!shard.isAt(entry, deviceId, from)) {
        previous = shard.presence(entry, deviceId);
        change = Change.ADDRESS_CHANGED;
      }
      long onlineSince = change == Change.ONLINE ? nowMillis : shard.onlineSince[entry];
      shard.set(entry, deviceId, from, onlineSince, nowMillis, sequence, intervalSeconds);
      Presence current = new Presence(deviceId, true, from, onlineSince, nowMillis, sequence, intervalSeconds);
      if (change == Change.ONLINE) {
        online.incrementAndGet();
      }
      if (change != null) {
        notify(change, previous, current);
      }
      return current;
    } finally {
      shard.lock.unlock();
    }
  }

  @Override
  public int sweep(long nowMillis, long graceMillis, long forgetMillis) {
    int wentOffline = 0;
    for (Shard shard : shards) {
      shard.lock.lock();
      try {
        // downwards: a removal moves the last entry, already visited, into the freed number
        for (int entry = shard.ids.size() - 1; entry >= 0; entry--) {
          long silent = nowMillis - shard.lastSeen[entry];
          boolean wasOnline = shard.isOnline(entry);
          if (silent > forgetMillis) {
            Presence p = wasOnline ? shard.presence(entry, shard.ids.id(entry)) : null;
            shard.remove(entry, p == null ? shard.ids.id(entry) : p.deviceId());
            if (p != null) {
              wentOffline++;
              wentOffline(p);
            }
          } else if (wasOnline && silent > graceMillis) {
            Presence p = shard.presence(entry, shard.ids.id(entry));
            shard.markOffline(entry);
            wentOffline++;
            wentOffline(p);
          }
        }
      } finally {
        shard.lock.unlock();
      }
    }
    return wentOffline;
  }

  @Override
  public void remove(String deviceId) {
    Shard shard = shardOf(deviceId);
    shard.lock.lock();
    try {
      int entry = shard.ids.find(deviceId);
      if (entry < 0) {
        return;
      }
      Presence p = shard.isOnline(entry) ? shard.presence(entry, deviceId) : null;
      shard.remove(entry, deviceId);
      if (p != null) {
        wentOffline(p);
      }
    } finally {
      shard.lock.unlock();
    }
  }

  @Override
  public void movedAway(String deviceId) {
    Shard shard = shardOf(deviceId);
    shard.lock.lock();
    try {
      int entry = shard.ids.find(deviceId);
      if (entry >= 0 && shard.isOnline(entry)) {
        shard.markOffline(entry);
        online.decrementAndGet();
      }
    } finally {
      shard.lock.unlock();
    }
  }

  @Override
  public Optional<Presence> get(String deviceId) {
    Shard shard = shardOf(deviceId);
    shard.lock.lock();
    try {
      int entry = shard.ids.find(deviceId);
      return entry < 0 ? Optional.empty() : Optional.of(shard.presence(entry, deviceId));
    } finally {
      shard.lock.unlock();
    }
  }

  @Override
  public int onlineCount() {
    return online.get();
  }

  @Override
  public List<String> onlineDevices() {
    List<String> out = new java.util.ArrayList<>(online.get());
    for (Shard shard : shards) {
      shard.lock.lock();
      try {
        for (int entry = 0; entry < shard.ids.size(); entry++) {
          if (shard.isOnline(entry)) {
            out.add(shard.ids.id(entry));
          }
        }
      } finally {
        shard.lock.unlock();
      }
    }
    return out;
  }

  /** Heap bytes of the tables (IPv6 mappings not counted), for the fleet bench. */
  public long arrayBytes() {
    long bytes = 0;
    for (Shard shard : shards) {
      shard.lock.lock();
      try {
        bytes += shard.ids.arrayBytes() + 5 * 16L + 8L * 4 * shard.lastSeen.length + 4L * shard.intervals.length;
      } finally {
        shard.lock.unlock();
      }
    }
    return bytes;
  }

  private void wentOffline(Presence p) {
    online.decrementAndGet();
    notify(Change.OFFLINE, p, p.offline());
  }

  private Shard shardOf(String deviceId) {
    int h = deviceId.hashCode();
    return shards[(h ^ (h >>> 16)) & (SHARDS - 1)];
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

  /** One shard: the fields of entry {@code e} are element {@code e} of each array. */
  private static final class Shard {
    /** An IPv4 mapping: this bit, the address in bits 16-47, the port in bits 0-15; 0 means "see otherAddresses". */
    private static final long IPV4 = 1L << 48;
    /** Bit 0 of {@link #intervals}: online. */
    private static final int ONLINE = 1;

    final ReentrantLock lock = new ReentrantLock();
    final IdTable ids = new IdTable(16);
    long[] addresses = new long[ids.capacity()];
    long[] onlineSince = new long[ids.capacity()];
    long[] lastSeen = new long[ids.capacity()];
    long[] lastSequence = new long[ids.capacity()];
    /** The interval in seconds shifted left by one, the online flag in bit 0. */
    int[] intervals = new int[ids.capacity()];
    /** Mappings that do not pack into a long (IPv6, unresolved), by device id. */
    final Map<String, InetSocketAddress> otherAddresses = new HashMap<>();

    int add(String deviceId) {
      int entry = ids.add(deviceId);
      int capacity = ids.capacity();
      if (capacity > lastSeen.length) {
        addresses = Arrays.copyOf(addresses, capacity);
        onlineSince = Arrays.copyOf(onlineSince, capacity);
        lastSeen = Arrays.copyOf(lastSeen, capacity);
        lastSequence = Arrays.copyOf(lastSequence, capacity);
        intervals = Arrays.copyOf(intervals, capacity);
      }
      return entry;
    }

    void set(int entry, String deviceId, InetSocketAddress from, long since, long seen, long sequence, int interval) {
      long packed = pack(from);
      if (packed == 0) {
        otherAddresses.put(deviceId, from);
      } else if (addresses[entry] == 0) {
        otherAddresses.remove(deviceId);
      }
      addresses[entry] = packed;
      onlineSince[entry] = since;
      lastSeen[entry] = seen;
      lastSequence[entry] = sequence;
      intervals[entry] = (interval << 1) | ONLINE;
    }

    void markOffline(int entry) {
      intervals[entry] &= ~ONLINE;
    }

    boolean isOnline(int entry) {
      return (intervals[entry] & ONLINE) != 0;
    }

    boolean isAt(int entry, String deviceId, InetSocketAddress from) {
      long packed = pack(from);
      return packed != 0 ? addresses[entry] == packed
          : addresses[entry] == 0 && from.equals(otherAddresses.get(deviceId));
    }

    void remove(int entry, String deviceId) {
      if (addresses[entry] == 0) {
        otherAddresses.remove(deviceId);
      }
      int moved = ids.remove(entry);
      if (moved != entry) {
        addresses[entry] = addresses[moved];
        onlineSince[entry] = onlineSince[moved];
        lastSeen[entry] = lastSeen[moved];
        lastSequence[entry] = lastSequence[moved];
        intervals[entry] = intervals[moved];
      }
    }

    Presence presence(int entry, String deviceId) {
      return new Presence(deviceId, isOnline(entry), address(entry, deviceId), onlineSince[entry], lastSeen[entry],
          lastSequence[entry], intervals[entry] >>> 1);
    }

    private InetSocketAddress address(int entry, String deviceId) {
      long packed = addresses[entry];
      if (packed == 0) {
        return otherAddresses.get(deviceId);
      }
      int ip = (int) (packed >>> 16);
      byte[] octets = {(byte) (ip >>> 24), (byte) (ip >>> 16), (byte) (ip >>> 8), (byte) ip};
      try {
        return new InetSocketAddress(InetAddress.getByAddress(octets), (int) (packed & 0xFFFF));
      } catch (UnknownHostException e) {
        throw new IllegalStateException("four octets are always an IPv4 address", e);
      }
    }

    private static long pack(InetSocketAddress address) {
      if (!(address.getAddress() instanceof Inet4Address v4)) {
        return 0;
      }
      byte[] o = v4.getAddress();
      long ip = ((o[0] & 0xFFL) << 24) | ((o[1] & 0xFFL) << 16) | ((o[2] & 0xFFL) << 8) | (o[3] & 0xFFL);
      return IPV4 | (ip << 16) | address.getPort();
    }
  }
}
