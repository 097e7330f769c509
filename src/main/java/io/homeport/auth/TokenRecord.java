package io.homeport.auth;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A minted API token as stored: its claims and state, never the token itself.
 *
 * @param id the token's {@code jti}
 * @param devices the devices an integrator token is limited to; null for all devices
 * @param groups the device groups an integrator token is limited to; null when not limited to groups
 * @param applicationServers the application-server ids an application token may wake devices for; null for other roles
 * @param expiresAt null for a token that does not expire
 * @param revokedAt null while valid
 */
public record TokenRecord(String id, Role role, String subject, List<String> devices, List<String> groups,
    List<String> applicationServers, Instant createdAt,
    Instant expiresAt, Instant revokedAt) {
  public TokenRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(createdAt, "createdAt");
    devices = devices == null ? null : List.copyOf(devices);
    groups = groups == null ? null : List.copyOf(groups);
    applicationServers = applicationServers == null ? null : List.copyOf(applicationServers);
  }
}
