package io.homeport.command;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The command state machine of DESIGN.md 3. Its state sets are the one definition of which states are
 * undelivered, final or accept a result; the SQL adapters build their state conditions from them.
 */
public enum CommandState {
  /** Stored, waiting for its device (and its notBefore). */
  QUEUED,
  /** A wake was sent to the device. */
  WOKEN,
  /** Handed to the device in a hello; waiting for the result. */
  DELIVERED,
  SUCCEEDED,
  FAILED,
  /** The TTL passed before delivery. */
  EXPIRED,
  /** Delivered, but no result before the deadline. */
  TIMED_OUT,
  CANCELLED;

  /** States in which a command may still be delivered. */
  public static final Set<CommandState> UNDELIVERED = EnumSet.of(QUEUED, WOKEN);
  /**
   * States that end a command's delivery. A command never leaves them, with one exception: a result
   * that arrives after TIMED_OUT is still recorded (SUCCEEDED or FAILED), so no device report is lost.
   */
  public static final Set<CommandState> FINAL = EnumSet.of(SUCCEEDED, FAILED, EXPIRED, TIMED_OUT, CANCELLED);
  /** States of a command that is not final yet: undelivered or DELIVERED. */
  public static final Set<CommandState> OPEN = EnumSet.complementOf(EnumSet.copyOf(FINAL));
  /** States in which a device's result is recorded: DELIVERED, and TIMED_OUT for a late result. */
  public static final Set<CommandState> ACCEPTING_RESULT = EnumSet.of(DELIVERED, TIMED_OUT);

  public boolean isFinal() {
    return FINAL.contains(this);
  }

  /** {@code timed-out} and so on: the name on the API and in events. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Optional<CommandState> fromWireName(String name) {
    for (CommandState s : values()) {
      if (s.wireName().equals(name)) return Optional.of(s);
    }
    return Optional.empty();
  }
}
