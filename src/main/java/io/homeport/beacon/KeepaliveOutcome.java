package io.homeport.beacon;

import java.util.Locale;

/** What became of one datagram at the beacon. Every datagram has exactly one outcome. */
public enum KeepaliveOutcome {
  /** Authenticated, fresh: presence updated, answered. */
  ACCEPTED,
  /** Not a well-formed STUN message with a valid FINGERPRINT. Dropped. */
  MALFORMED,
  /** Well-formed STUN but not a keepalive: another method or class, or required attributes missing. Dropped. */
  UNSUPPORTED,
  /** USERNAME names no enrolled device. Dropped. */
  UNKNOWN_DEVICE,
  /** The device is revoked. Dropped. */
  REVOKED,
  /** MESSAGE-INTEGRITY-SHA256 does not verify with the device's key. Dropped. */
  BAD_INTEGRITY,
  /** Authenticated but without a valid server nonce: answered with a 401 carrying a fresh one. */
  STALE_NONCE,
  /** Authenticated with a valid nonce but a sequence number not above the last accepted one. Dropped. */
  REPLAYED,
  /** Authenticated with a valid nonce on the alternate port: answered with its mapped address; presence unchanged. */
  MAPPING_PROBE,
  /** An authenticated NAT-PROBE with a valid nonce: answered after the delay it asks for; presence unchanged. */
  LIFETIME_PROBE,
  /** A NAT-PROBE beyond the delayed answers a device or the beacon may hold. Dropped. */
  PROBE_REFUSED;

  /** Lower-case label for logs and metrics. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
