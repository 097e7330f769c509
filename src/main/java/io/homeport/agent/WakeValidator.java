package io.homeport.agent;

import io.homeport.stun.StunAttribute;
import io.homeport.stun.StunAttributes;
import io.homeport.stun.StunCodec;
import io.homeport.stun.StunMessage;
import io.homeport.stun.StunParseException;
import java.net.InetSocketAddress;
import java.util.LinkedHashSet;
import java.util.Optional;

/**
 * Checks a wake the way seed 000 (Fig. 10) checks a notification, and stronger: the datagram must
 * come from the server's beacon endpoint, carry this device's id, verify with its beacon key, name a
 * wake id not seen before, and carry a server time within {@link #TIME_WINDOW_MILLIS} of the server
 * clock as learned from keepalive answers. Anything else is dropped. Plain Java; not thread-safe.
 */
public final class WakeValidator {
  /** How far a wake's server time may be from the server clock the device has learned. */
  public static final long TIME_WINDOW_MILLIS = 30_000;
  private static final int REMEMBERED_WAKES = 1024;

  /** The verdict on one datagram. */
  public sealed interface Verdict {}

  /** A genuine, new wake. */
  public record Valid(long wakeId, StunAttributes.WakeReason reason, String applicationServerId) implements Verdict {}

  /**
   * A genuine wake already acted on: a retransmission (the server did not get the acknowledgement)
   * or a replay. Not acted on again; acknowledging it again is harmless.
   */
  public record Duplicate(long wakeId) implements Verdict {}

  /** Not a wake to act on, and why (for the log). */
  public record Invalid(String reason) implements Verdict {}

  private final String deviceId;
  private final byte[] beaconKey;
  private final InetSocketAddress server;
  private final LinkedHashSet<Long> seen = new LinkedHashSet<>();
  private Long serverClockOffset;

  public WakeValidator(String deviceId, byte[] beaconKey, InetSocketAddress server) {
    this.deviceId = deviceId;
    this.beaconKey = beaconKey.clone();
    this.server = server;
  }

  /** Learns the server clock from an authenticated keepalive answer. */
  /** Hands the server clock offset learned so far to a validator for another beacon of the same Homeport. */
  public void carryServerTime(WakeValidator next) {
    next.serverClockOffset = serverClockOffset;
  }

  public void serverTime(long serverTimeMillis, long localNowMillis) {
    serverClockOffset = serverTimeMillis - localNowMillis;
  }

  /** True when the datagram is a STUN indication (a wake, genuine or not) rather than an answer. */
  public static boolean looksLikeWake(byte[] datagram) {
    return datagram.length >= 2 && ((datagram[0] & 0xff) << 8 | (datagram[1] & 0xff)) == StunMessage.BINDING_INDICATION;
  }

  public Verdict validate(byte[] datagram, InetSocketAddress source, long localNowMillis) {
    if (!server.equals(source)) {
      return new Invalid("sent from " + source + ", not from the server's beacon endpoint " + server);
    }
    StunMessage m;
    try {
      m = StunCodec.decode(datagram);
    } catch (StunParseException e) {
      return new Invalid("malformed: " + e.getMessage());
    }
    Optional<StunAttribute> username = m.attribute(StunAttributes.USERNAME);
    Optional<StunAttribute> wake = m.attribute(StunAttributes.WAKE);
    Optional<StunAttribute> time = m.attribute(StunAttributes.SERVER_TIME);
    if (m.type() != StunMessage.BINDING_INDICATION || username.isEmpty() || wake.isEmpty() || time.isEmpty()
        || m.attribute(StunAttributes.FINGERPRINT).isEmpty()) {
      return new Invalid("not a wake: attributes missing");
    }
    if (!StunCodec.verifyIntegritySha256(m, beaconKey)) {
      return new Invalid("integrity check failed");
    }
    StunAttributes.Wake w;
    long serverTime;
    try {
      if (!deviceId.equals(StunAttributes.readUsername(username.get()))) {
        return new Invalid("addressed to another device");
      }
      w = StunAttributes.readWake(wake.get());
      serverTime = StunAttributes.readServerTime(time.get());
    } catch (StunParseException e) {
      return new Invalid("malformed: " + e.getMessage());
    }
    if (serverClockOffset == null) {
      return new Invalid("no keepalive answered yet, so the server time is unknown");
    }
    long skew = serverTime - (localNowMillis + serverClockOffset);
    if (Math.abs(skew) > TIME_WINDOW_MILLIS) {
      return new Invalid("stale: its server time is " + skew + " ms off the server clock");
    }
    if (!seen.add(w.wakeId())) {
      return new Duplicate(w.wakeId());
    }
    if (seen.size() > REMEMBERED_WAKES) {
      var oldest = seen.iterator();
      oldest.next();
      oldest.remove();
    }
    return new Valid(w.wakeId(), w.reason(), w.applicationServerId());
  }
}
