package io.homeport.auth;

import java.util.Locale;
import java.util.Optional;

/** API roles (DESIGN.md 2.3). A token carries one in its {@code role} claim. */
public enum Role {
  /** Everything, including minting tokens. */
  ADMIN,
  /** Devices, commands, sessions, address lists. */
  OPERATOR,
  /** Read-only access and the event stream. */
  INTEGRATOR;

  public String claim() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<Role> fromClaim(String claim) {
    for (Role r : values()) {
      if (r.claim().equals(claim)) return Optional.of(r);
    }
    return Optional.empty();
  }
}
