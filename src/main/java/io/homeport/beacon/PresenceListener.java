package io.homeport.beacon;

/** Told about presence changes; called on the beacon's event loop, so it must not block. */
public interface PresenceListener {
  void online(Presence now);

  /** The device's NAT mapping changed while it stayed online. */
  void addressChanged(Presence before, Presence now);

  /** No keepalive within the grace period. */
  void offline(Presence last);
}
