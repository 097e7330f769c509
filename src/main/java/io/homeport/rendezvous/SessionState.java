package io.homeport.rendezvous;

import java.util.Locale;
import java.util.Optional;

/**
 * Where a peer session is (DESIGN 5): {@code requested} waits for the target's consent, {@code
 * established} has offers out to both devices, {@code ended} and {@code rejected} are final.
 */
public enum SessionState {
  REQUESTED,
  ESTABLISHED,
  ENDED,
  REJECTED;

  public boolean isFinal() {
    return this == ENDED || this == REJECTED;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SessionState> fromWireName(String name) {
    for (SessionState s : values()) {
      if (s.wireName().equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
