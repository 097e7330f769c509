package io.homeport.rendezvous;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;

/**
 * What a device is told about one of its sessions in a hello answer ({@code sessions}). A hello carries
 * every notice the device has, not only new ones, so a lost answer costs nothing: the next hello
 * repeats it, and a device acts on a notice once (by session id, and for offers by {@code expiresAt}).
 */
public sealed interface SessionNotice {

  String sessionId();

  /** The target is asked whether {@code requester} may open a session to it (device mode). */
  record ConsentRequest(String sessionId, String requesterId, String requesterName, Instant deadline)
      implements SessionNotice {}

  /**
   * The session is established: the same id, key and expiry for both sides; a later notice with another
   * {@code expiresAt} is an extension.
   *
   * @param candidates where the peer may be reached: its public endpoint as the beacon saw it, then the
   *     LAN endpoints it reported
   * @param relay the relay grant, null when none
   * @param turn TURN credentials, null when the server is configured with no TURN service
   */
  record Offer(String sessionId, byte[] key, Instant expiresAt, SessionRole role, String peerId, String peerName,
      List<Candidate> candidates, RelayGrant relay, TurnGrant turn) implements SessionNotice {}

  /**
   * TURN REST API credentials (DESIGN 5.1) for a TURN service that shares the server's secret, valid
   * for {@code ttlSeconds} from the moment of the notice and never past the session's expiry.
   */
  record TurnGrant(List<String> urls, String username, String password, long ttlSeconds) {
    @Override
    public String toString() {
      return "TurnGrant[urls=" + urls + ", username=" + username + ", password=***, ttlSeconds=" + ttlSeconds + "]";
    }
  }

  /** Where the relay is, and this side's token for it (null in an offer when the server runs no relay). */
  record RelayGrant(InetSocketAddress endpoint, byte[] token) {}

  /** The session ended: stop using it and report the end (repeated until the report arrives). */
  record End(String sessionId, String reason, String endedBy) implements SessionNotice {}

  /** The request this device made was refused (for any reason; the device learns nothing more). */
  record Refused(String sessionId) implements SessionNotice {}

  /** One address the peer may be reached at. */
  record Candidate(String type, InetSocketAddress address) {
    public static final String PUBLIC = "public";
    public static final String LAN = "lan";
  }
}
