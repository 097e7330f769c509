package io.homeport.rendezvous;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may open a session to a device (DESIGN 5, seed 004): in mode {@code server} the server judges
 * requests against {@code allow}; in mode {@code device} the server asks the device each time. Entries
 * are device ids, in the order given; a device without a list has {@link #NONE}: server mode, nobody.
 *
 * @param maxDuration the longest a session to this device may last, extensions included; null for the
 *     server's {@code sessions.maxDuration}
 */
public record PermissionList(Mode mode, List<String> allow, Duration maxDuration) {
  /** Entries a list may hold. */
  public static final int MAX_ENTRIES = 256;
  /** What a device without a stored list has: nobody may open a session to it. */
  public static final PermissionList NONE = new PermissionList(Mode.SERVER, List.of());

  public PermissionList {
    Objects.requireNonNull(mode, "mode");
    allow = List.copyOf(allow);
    if (maxDuration != null && (maxDuration.isNegative() || maxDuration.isZero())) {
      throw new IllegalArgumentException("maxDuration must be positive: " + maxDuration);
    }
  }

  /** A list without its own session maximum. */
  public PermissionList(Mode mode, List<String> allow) {
    this(mode, allow, null);
  }

  public enum Mode {
    /** The server judges requests against the list. */
    SERVER,
    /** The server wakes the device and asks it. */
    DEVICE;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Mode> fromWireName(String name) {
      for (Mode m : values()) {
        if (m.wireName().equals(name)) {
          return Optional.of(m);
        }
      }
      return Optional.empty();
    }
  }
}
