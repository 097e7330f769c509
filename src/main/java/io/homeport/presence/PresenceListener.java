package io.homeport.presence;

/**
 * Told about presence changes, with the presence before and after each one. Register with {@link
 * PresenceDirectory#addListener}; remove with {@link PresenceDirectory#removeListener}.
 *
 * <p>Called on the thread that made the change, which may be any of several threads at once: each
 * beacon event loop for its keepalives and offline sweeps, the caller's thread for {@link
 * PresenceDirectory#remove}. A device's changes reach a listener one at a time and in order (the
 * directory holds that device's entry locked during the call), changes of different devices may
 * arrive concurrently. A listener must therefore be thread-safe, must not block, must not call back
 * into the directory, and must hop to its own context (for example {@code context.runOnContext})
 * before touching state that is confined to it. A listener that throws is logged and does not stop
 * the others.
 */
public interface PresenceListener {

  /**
   * The device came online.
   *
   * @param previous its entry before this keepalive (offline, still remembered for replay protection),
   *     or null when the directory did not know it
   */
  default void online(Presence previous, Presence current) {}

  /** The device's NAT mapping changed while it stayed online. */
  default void addressChanged(Presence previous, Presence current) {}

  /**
   * The device went offline: no keepalive within the grace period, or it was removed (revoked, deleted).
   *
   * @param current its entry from now on ({@code online() == false}, last address and times kept)
   */
  default void offline(Presence previous, Presence current) {}
}
