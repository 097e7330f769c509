package io.homeport.presence;

import java.net.InetSocketAddress;

/**
 * What the beacon knows of one device right now. Immutable; the table replaces it on each keepalive.
 *
 * @param publicAddress the NAT mapping: the source of the last accepted keepalive
 * @param onlineSinceMillis when the device last came online
 * @param lastSeenMillis when its last keepalive was accepted
 * @param lastSequence the highest accepted sequence number (anti-replay)
 * @param intervalSeconds the keepalive interval suggested to it in the last answer
 */
public record Presence(
    String deviceId,
    boolean online,
    InetSocketAddress publicAddress,
    long onlineSinceMillis,
    long lastSeenMillis,
    long lastSequence,
    int intervalSeconds) {

  /** This entry marked offline; the last address, times and sequence are kept. */
  public Presence offline() {
    return new Presence(deviceId, false, publicAddress, onlineSinceMillis, lastSeenMillis, lastSequence, intervalSeconds);
  }

  /** The public address as {@code ip:port} ({@code [ip]:port} for IPv6), the form events and the API use. */
  public String publicAddressText() {
    String ip = publicAddress.getAddress().getHostAddress();
    return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + publicAddress.getPort();
  }
}
