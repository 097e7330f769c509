package io.homeport.command;

/** Test access to the package-private writers of {@link PendingCommands}. */
public final class PendingCommandsAccess {
  private PendingCommandsAccess() {}

  public static void mark(PendingCommands pending, String deviceId) {
    pending.mark(deviceId);
  }

  public static void clear(PendingCommands pending, String deviceId) {
    pending.clear(deviceId);
  }
}
