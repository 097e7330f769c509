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
  INTEGRATOR,
  /**
   * A vendor's application server (DESIGN 4): wakes devices for the application-server ids of its
   * {@code applicationServers} claim and reads the device CA and its revocation list; nothing else.
   */
  APPLICATION;

  public String claim() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for the roles that read the operator API (devices, commands, events, metrics): all but {@link #APPLICATION}. */
  public boolean readsOperatorApi() {
    return this != APPLICATION;
  }

  public static Optional<Role> fromClaim(String claim) {
    for (Role r : values()) {
      if (r.claim().equals(claim)) return Optional.of(r);
    }
    return Optional.empty();
  }
}
