package io.homeport.wake;

import io.homeport.stun.StunAttributes;

/**
 * What waits for a device: the PENDING flags of its keepalive answers and the reason of its wakes come
 * from here. Read on the beacon's hot path: implementations answer from memory.
 */
public interface WaitingWork {
  /** Commands are due for the device. */
  boolean commands(String deviceId);

  /** The device has session news (an offer, a consent request, an extension, an end order). */
  boolean sessions(String deviceId);

  /** A newer address list than {@code heldVersion} is published for the device (the PENDING address-list flag). */
  default boolean newerAddressList(String deviceId, long heldVersion) {
    return false;
  }

  /** An urgent address-list publication the device has not fetched yet: wake it (reason address-list). */
  default boolean urgentAddressList(String deviceId) {
    return false;
  }

  /** The application server an operator or application asked the device to call, null for none (reason application). */
  default String applicationServer(String deviceId) {
    return null;
  }

  /** The view over two in-memory answers (due commands, session news). */
  static WaitingWork of(java.util.function.Predicate<String> commands, java.util.function.Predicate<String> sessions) {
    return new WaitingWork() {
      @Override
      public boolean commands(String deviceId) {
        return commands.test(deviceId);
      }

      @Override
      public boolean sessions(String deviceId) {
        return sessions.test(deviceId);
      }
    };
  }

  /**
   * The device acknowledged a wake: the work it was for is done (an application server's call) or under
   * way (an urgent address list: the PENDING flag covers a fetch that fails).
   *
   * @param applicationServer the application server the wake named, empty for other reasons
   */
  default void acknowledged(String deviceId, StunAttributes.WakeReason reason, String applicationServer) {
  }

  /**
   * The reason to wake the device with, null for none: session news first (they are the time-critical
   * ones), then an application server's call, then commands, then an urgent address list (the device
   * fetches the list on any wake's pending flag anyway).
   */
  default StunAttributes.WakeReason wakeReason(String deviceId) {
    if (sessions(deviceId)) {
      return StunAttributes.WakeReason.SESSION;
    }
    if (applicationServer(deviceId) != null) {
      return StunAttributes.WakeReason.APPLICATION;
    }
    if (commands(deviceId)) {
      return StunAttributes.WakeReason.COMMAND;
    }
    return urgentAddressList(deviceId) ? StunAttributes.WakeReason.ADDRESS_LIST : null;
  }
}
