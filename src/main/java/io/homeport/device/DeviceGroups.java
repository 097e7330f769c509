package io.homeport.device;

import io.homeport.refusal.Refusal;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which groups each device belongs to, in memory: loaded from the store at start and updated by
 * {@link DeviceService} after each committed change, so scope checks of requests and event-stream
 * subscribers cost no store access and see a regrouping at once. Thread-safe.
 *
 * <p>Group names have the shape of device names ({@link DeviceIds#NAME}); a device has at most
 * {@value #MAX_PER_DEVICE}.
 */
public final class DeviceGroups {
  public static final int MAX_PER_DEVICE = 32;

  /** Device id to its groups (sorted, unmodifiable); devices in no group are absent. */
  private final Map<String, Set<String>> byDevice = new ConcurrentHashMap<>();

  /** Replaces everything with this membership (device id to groups). */
  public void load(Map<String, Set<String>> membership) {
    byDevice.clear();
    membership.forEach(this::set);
  }

  /** The device now belongs to exactly these groups. */
  public void set(String deviceId, Set<String> groups) {
    if (groups.isEmpty()) {
      byDevice.remove(deviceId);
    } else {
      byDevice.put(deviceId, Collections.unmodifiableSet(new TreeSet<>(groups)));
    }
  }

  /** The device is gone. */
  public void removed(String deviceId) {
    byDevice.remove(deviceId);
  }

  /** The device's groups, sorted; empty when none. */
  public Set<String> of(String deviceId) {
    return deviceId == null ? Set.of() : byDevice.getOrDefault(deviceId, Set.of());
  }

  /** True when the device belongs to at least one of these groups. */
  public boolean inAny(String deviceId, Set<String> groups) {
    if (deviceId == null || groups.isEmpty()) {
      return false;
    }
    for (String g : of(deviceId)) {
      if (groups.contains(g)) {
        return true;
      }
    }
    return false;
  }

  /** The devices that belong to at least one of these groups now (a scan of every grouped device). */
  public Set<String> members(Set<String> groups) {
    Set<String> out = new java.util.HashSet<>();
    byDevice.forEach((device, of) -> {
      for (String g : of) {
        if (groups.contains(g)) {
          out.add(device);
          return;
        }
      }
    });
    return out;
  }

  /** Devices with at least one group now. */
  public int size() {
    return byDevice.size();
  }

  /**
   * Checks group names for a device or a token.
   *
   * @param max the most names allowed
   * @return the names as a set
   * @throws Refusal {@code invalid-field} naming {@code field} for a bad name or too many
   */
  public static Set<String> check(Collection<String> names, int max, String field) {
    if (names.size() > max) {
      throw new Refusal.Invalid("invalid-field",
          "'" + field + "' may name at most " + max + " groups", field);
    }
    Set<String> out = new TreeSet<>();
    for (String n : names) {
      if (n == null || !DeviceIds.NAME.matcher(n).matches()) {
        String shown = n == null ? "null" : n.length() > 40 ? n.substring(0, 40) + "..." : n;
        throw new Refusal.Invalid("invalid-field", "group name '" + shown
            + "' is invalid: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", field);
      }
      out.add(n);
    }
    return Collections.unmodifiableSet(out);
  }
}
