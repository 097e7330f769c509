package io.homeport.device;

import java.time.Instant;
import java.util.Objects;

/**
 * What a completed enrollment writes: the token it consumes and the credentials the device gets.
 *
 * @param certificateSerial hex serial of the newly issued certificate
 * @param beaconKey the new 32-byte beacon key
 */
public record Enrollment(
    String tokenHash, String deviceId, Instant at, String certificateSerial, Instant certificateNotAfter, byte[] beaconKey) {
  public Enrollment {
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(certificateSerial, "certificateSerial");
    Objects.requireNonNull(certificateNotAfter, "certificateNotAfter");
    Objects.requireNonNull(beaconKey, "beaconKey");
  }

  @Override
  public String toString() {
    return "Enrollment[deviceId=" + deviceId + ", serial=" + certificateSerial + "]";
  }
}
