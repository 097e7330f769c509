package io.homeport.device;

import java.time.Instant;
import java.util.Objects;

/**
 * A device as stored. {@code name}, {@code vendor}, {@code metadataJson}, the enrollment fields and
 * {@code revokedAt} may be null.
 *
 * @param metadataJson operator-supplied metadata, a JSON object as text
 * @param certificateSerial hex serial of the device's current certificate (null until enrolled)
 * @param beaconKey the 32-byte key for keepalive integrity (null until enrolled)
 */
public record Device(
    String id,
    String name,
    String vendor,
    String metadataJson,
    DeviceState state,
    Instant createdAt,
    Instant enrolledAt,
    Instant revokedAt,
    String certificateSerial,
    Instant certificateNotAfter,
    byte[] beaconKey) {

  public Device {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(createdAt, "createdAt");
  }

  /** A freshly created device waiting for enrollment. */
  public static Device pending(String id, String name, String vendor, String metadataJson, Instant createdAt) {
    return new Device(id, name, vendor, metadataJson, DeviceState.PENDING, createdAt, null, null, null, null, null);
  }

  @Override
  public String toString() {
    // the beacon key is a secret: never let it reach a log line
    return "Device[id=" + id + ", name=" + name + ", state=" + state + "]";
  }
}
