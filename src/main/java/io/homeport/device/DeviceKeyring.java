package io.homeport.device;

import io.homeport.compact.IdTable;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory view of which credentials are valid right now: the beacon key and the current
 * certificate serial of every enrolled device, and the ids of revoked devices. The beacon checks
 * keepalives against it and the device channel checks client certificates against it, so neither
 * touches the store on its hot path, and a revocation takes effect the moment it is applied here.
 *
 * <p>Loaded from the store at start; updated by {@link DeviceService} after each committed change.
 * Thread-safe: the beacon's event loops read it while the device service writes it.
 *
 * <p>Sized for a million devices at about 85 bytes each (the fleet bench measures it): the devices
 * are spread over shards, each an {@link IdTable} with the keys in one byte array (32 bytes a
 * device) and the serials packed as nibbles beside them, under the shard's own lock. Revoked ids
 * are few and stay in a set.
 */
public final class DeviceKeyring {
  private static final int SHARDS = 64;
  private static final int KEY_BYTES = DeviceService.BEACON_KEY_LENGTH;
  /** A serial of up to 32 hex digits (the CA issues 128-bit serials) packs into 16 bytes plus its digit count. */
  private static final int SERIAL_DIGITS = 32;
  private static final int SERIAL_BYTES = 1 + SERIAL_DIGITS / 2;

  private final Shard[] shards = new Shard[SHARDS];
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  public DeviceKeyring() {
    for (int i = 0; i < SHARDS; i++) {
      shards[i] = new Shard();
    }
  }

  /** Replaces the contents with the given enrolled devices and revoked device ids. */
  public void load(Collection<Device> enrolledDevices, Collection<String> revokedDeviceIds) {
    for (Shard shard : shards) {
      synchronized (shard) {
        shard.clear();
      }
    }
    revoked.clear();
    enrolledDevices.forEach(this::enrolled);
    revoked.addAll(revokedDeviceIds);
  }

  /** The device now holds these credentials (first enrollment or re-enrollment). */
  public void enrolled(Device device) {
    if (device.state() != DeviceState.ENROLLED) {
      throw new IllegalArgumentException("device " + device.id() + " is not enrolled");
    }
    if (device.beaconKey() == null || device.beaconKey().length != KEY_BYTES) {
      throw new IllegalArgumentException("device " + device.id() + " has no " + KEY_BYTES + "-byte beacon key");
    }
    Shard shard = shardOf(device.id());
    synchronized (shard) {
      shard.put(device.id(), device.beaconKey(), device.certificateSerial());
    }
  }

  /** The device's credentials are void from now on. */
  public void revoked(String deviceId) {
    revoked.add(deviceId);
    removeCredentials(deviceId);
  }

  /** The device no longer exists. */
  public void removed(String deviceId) {
    removeCredentials(deviceId);
    revoked.remove(deviceId);
  }

  private void removeCredentials(String deviceId) {
    Shard shard = shardOf(deviceId);
    synchronized (shard) {
      shard.remove(deviceId);
    }
  }

  /** The beacon key of an enrolled, not revoked device (a copy); null otherwise. */
  public byte[] beaconKey(String deviceId) {
    Shard shard = shardOf(deviceId);
    synchronized (shard) {
      int entry = shard.ids.find(deviceId);
      return entry < 0 ? null : Arrays.copyOfRange(shard.keys, entry * KEY_BYTES, (entry + 1) * KEY_BYTES);
    }
  }

  public boolean isRevoked(String deviceId) {
    return revoked.contains(deviceId);
  }

  /**
   * True only for the current certificate of an enrolled device: a revoked, deleted or superseded
   * certificate is refused.
   */
  public boolean acceptsCertificate(String deviceId, String serialHex) {
    Shard shard = shardOf(deviceId);
    synchronized (shard) {
      int entry = shard.ids.find(deviceId);
      return entry >= 0 && shard.serialMatches(entry, deviceId, serialHex);
    }
  }

  /** Enrolled devices held. */
  public int size() {
    int n = 0;
    for (Shard shard : shards) {
      synchronized (shard) {
        n += shard.ids.size();
      }
    }
    return n;
  }

  /** Heap bytes of the tables (not counting the revoked set), for the fleet bench. */
  public long arrayBytes() {
    long bytes = 0;
    for (Shard shard : shards) {
      synchronized (shard) {
        bytes += shard.ids.arrayBytes() + 16L + shard.keys.length + 16L + shard.serials.length;
      }
    }
    return bytes;
  }

  private Shard shardOf(String deviceId) {
    int h = deviceId.hashCode();
    return shards[(h ^ (h >>> 16)) & (SHARDS - 1)];
  }

  /** One shard: entry {@code e} has its key at {@code keys[e * 32]} and its serial at {@code serials[e * 17]}. */
  private static final class Shard {
    private IdTable ids;
    private byte[] keys;
    /** Digit count, then the digits two to a byte; digit count 0 marks a serial kept in {@link #oddSerials}. */
    private byte[] serials;
    /** Serials that do not pack (longer, or not hex): none from this server's CA, but the store may hold any. */
    private final Map<String, String> oddSerials = new HashMap<>();

    Shard() {
      clear();
    }

    void clear() {
      ids = new IdTable(16);
      keys = new byte[ids.capacity() * KEY_BYTES];
      serials = new byte[ids.capacity() * SERIAL_BYTES];
      oddSerials.clear();
    }

    void put(String deviceId, byte[] key, String serialHex) {
      int entry = ids.find(deviceId);
      if (entry < 0) {
        entry = ids.add(deviceId);
        if (ids.capacity() * KEY_BYTES > keys.length) {
          keys = Arrays.copyOf(keys, ids.capacity() * KEY_BYTES);
          serials = Arrays.copyOf(serials, ids.capacity() * SERIAL_BYTES);
        }
      }
      System.arraycopy(key, 0, keys, entry * KEY_BYTES, KEY_BYTES);
      oddSerials.remove(deviceId);
      if (!packSerial(serialHex, serials, entry * SERIAL_BYTES)) {
        serials[entry * SERIAL_BYTES] = 0;
        oddSerials.put(deviceId, serialHex);
      }
    }

    void remove(String deviceId) {
      int entry = ids.find(deviceId);
      if (entry < 0) {
        return;
      }
      oddSerials.remove(deviceId);
      int moved = ids.remove(entry);
      if (moved != entry) {
        System.arraycopy(keys, moved * KEY_BYTES, keys, entry * KEY_BYTES, KEY_BYTES);
        System.arraycopy(serials, moved * SERIAL_BYTES, serials, entry * SERIAL_BYTES, SERIAL_BYTES);
      }
      // a removed key does not linger in memory
      Arrays.fill(keys, moved * KEY_BYTES, (moved + 1) * KEY_BYTES, (byte) 0);
    }

    boolean serialMatches(int entry, String deviceId, String serialHex) {
      int at = entry * SERIAL_BYTES;
      int digits = serials[at];
      if (digits == 0) {
        String odd = oddSerials.get(deviceId);
        return odd != null && odd.equalsIgnoreCase(serialHex);
      }
      if (serialHex == null || serialHex.length() != digits) {
        return false;
      }
      for (int i = 0; i < digits; i++) {
        int expected = hexDigit(serialHex.charAt(i));
        if (expected < 0 || expected != nibble(serials, at, i)) {
          return false;
        }
      }
      return true;
    }

    /** Packs 1-32 hex digits at {@code at}; false (nothing written) for anything else. */
    private static boolean packSerial(String serialHex, byte[] into, int at) {
      if (serialHex == null || serialHex.isEmpty() || serialHex.length() > SERIAL_DIGITS) {
        return false;
      }
      for (int i = 0; i < serialHex.length(); i++) {
        if (hexDigit(serialHex.charAt(i)) < 0) {
          return false;
        }
      }
      Arrays.fill(into, at, at + SERIAL_BYTES, (byte) 0);
      into[at] = (byte) serialHex.length();
      for (int i = 0; i < serialHex.length(); i++) {
        int digit = hexDigit(serialHex.charAt(i));
        int b = at + 1 + i / 2;
        into[b] = (byte) (i % 2 == 0 ? digit << 4 : into[b] | digit);
      }
      return true;
    }

    /** ASCII hex only: Character.digit would also take other scripts' digits. */
    private static int hexDigit(char c) {
      if (c >= '0' && c <= '9') {
        return c - '0';
      }
      char lower = (char) (c | 0x20);
      return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }

    private static int nibble(byte[] packed, int at, int i) {
      int b = packed[at + 1 + i / 2] & 0xFF;
      return i % 2 == 0 ? b >>> 4 : b & 0x0F;
    }
  }
}
