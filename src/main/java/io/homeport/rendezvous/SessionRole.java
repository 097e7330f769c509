package io.homeport.rendezvous;

import java.util.Locale;

/** Which side of a session a device is on. */
public enum SessionRole {
  /** The device that asked for the session. */
  REQUESTER,
  /** The device it asked for. */
  TARGET;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
