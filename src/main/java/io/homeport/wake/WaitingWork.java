package io.homeport.wake;

import io.homeport.stun.StunAttributes;

/**
 * What waits for a device on its device channel: the PENDING flags of its keepalive answers and the
 * reason of its wakes come from here. Read on the beacon's hot path: implementations answer from memory.
 */
public interface WaitingWork {
  /** Commands are due for the device. */
  boolean commands(String deviceId);

  /** The device has session news (an offer, a consent request, an extension, an end order). */
  boolean sessions(String deviceId);

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

  /** The reason to wake the device with, session news first (they are the time-critical ones); null for none. */
  default StunAttributes.WakeReason wakeReason(String deviceId) {
    if (sessions(deviceId)) {
      return StunAttributes.WakeReason.SESSION;
    }
    return commands(deviceId) ? StunAttributes.WakeReason.COMMAND : null;
  }
}
