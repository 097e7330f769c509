package io.homeport.device;

import java.util.Collection;
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
 * Thread-safe.
 */
public final class DeviceKeyring {

  private record Credentials(byte[] beaconKey, String certificateSerial) {}

  private final Map<String, Credentials> enrolled = new ConcurrentHashMap<>();
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  /** Replaces the contents with the given enrolled devices and revoked device ids. */
  public void load(Collection<Device> enrolledDevices, Collection<String> revokedDeviceIds) {
    enrolled.clear();
    revoked.clear();
    enrolledDevices.forEach(this::enrolled);
    revoked.addAll(revokedDeviceIds);
  }

  /** The device now holds these credentials (first enrollment or re-enrollment). */
  public void enrolled(Device device) {
    if (device.state() != DeviceState.ENROLLED) {
      throw new IllegalArgumentException("device " + device.id() + " is not enrolled");
    }
    enrolled.put(device.id(), new Credentials(device.beaconKey().clone(), device.certificateSerial()));
  }

  /** The device's credentials are void from now on. */
  public void revoked(String deviceId) {
    revoked.add(deviceId);
    enrolled.remove(deviceId);
  }

  /** The device no longer exists. */
  public void removed(String deviceId) {
    enrolled.remove(deviceId);
    revoked.remove(deviceId);
  }

  /** The beacon key of an enrolled, not revoked device; null otherwise. Not a copy: callers must not modify it. */
  public byte[] beaconKey(String deviceId) {
    Credentials c = enrolled.get(deviceId);
    return c == null ? null : c.beaconKey();
  }

  public boolean isRevoked(String deviceId) {
    return revoked.contains(deviceId);
  }

  /**
   * True only for the current certificate of an enrolled device: a revoked, deleted or superseded
   * certificate is refused.
   */
  public boolean acceptsCertificate(String deviceId, String serialHex) {
    Credentials c = enrolled.get(deviceId);
    return c != null && c.certificateSerial().equalsIgnoreCase(serialHex);
  }
}
