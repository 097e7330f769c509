package io.homeport.device;

import java.time.Instant;
import java.util.Objects;

/**
 * A one-time enrollment token as stored: only the SHA-256 of the secret is kept, never the secret.
 *
 * @param tokenHash hex SHA-256 of the token secret
 * @param usedAt when the token was consumed, null while unused
 */
public record EnrollmentToken(String tokenHash, String deviceId, Instant createdAt, Instant expiresAt, Instant usedAt) {
  public EnrollmentToken {
    Objects.requireNonNull(tokenHash, "tokenHash");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
  }

  public boolean isUsed() {
    return usedAt != null;
  }

  public boolean isExpiredAt(Instant now) {
    return !now.isBefore(expiresAt);
  }
}
