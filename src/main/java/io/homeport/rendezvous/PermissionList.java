package io.homeport.rendezvous;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may open a session to a device (DESIGN 5, seed 004): in mode {@code server} the server judges
 * requests against {@code allow}; in mode {@code device} the server asks the device each time. Entries
 * are device ids, in the order given; a device without a list has {@link #NONE}: server mode, nobody.
 */
public record PermissionList(Mode mode, List<String> allow) {
  /** Entries a list may hold. */
  public static final int MAX_ENTRIES = 256;
  /** What a device without a stored list has: nobody may open a session to it. */
  public static final PermissionList NONE = new PermissionList(Mode.SERVER, List.of());

  public PermissionList {
    Objects.requireNonNull(mode, "mode");
    allow = List.copyOf(allow);
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
