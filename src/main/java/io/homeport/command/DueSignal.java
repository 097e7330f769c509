package io.homeport.command;

/** Told when a device has commands due (new, scheduled time reached, or requeued): wake it, wake its long poll. */
@FunctionalInterface
public interface DueSignal {
  void due(String deviceId);
}
