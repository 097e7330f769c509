package io.homeport.agent;

import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * A session offer as the agent holds it (DESIGN 5): the same id, key and expiry as the peer's.
 *
 * @param role {@code requester} or {@code target}
 * @param candidates where the peer may be reached, best first: its public endpoint as the server saw it,
 *     then its LAN endpoints
 * @param relay the relay grant when the server offers one, else null
 * @param turn TURN credentials when the server offers them, else null
 */
public record PeerSession(String id, byte[] key, Instant expiresAt, String role, String peerId, String peerName,
    List<Candidate> candidates, JsonObject relay, JsonObject turn) {

  /** One peer address and its kind ({@code public} or {@code lan}). */
  public record Candidate(String type, InetSocketAddress address) {}

  /** Reads an {@code offer} notice of a hello answer or a session request's answer. */
  public static PeerSession fromOffer(JsonObject offer) {
    List<Candidate> candidates = new ArrayList<>();
    for (Object o : offer.getJsonArray("candidates", new io.vertx.core.json.JsonArray())) {
      JsonObject c = (JsonObject) o;
      candidates.add(new Candidate(c.getString("type"), address(c.getString("address"))));
    }
    JsonObject peer = offer.getJsonObject("peer", new JsonObject());
    return new PeerSession(offer.getString("id"), Base64.getDecoder().decode(offer.getString("key")),
        Instant.parse(offer.getString("expiresAt")), offer.getString("role"), peer.getString("id"),
        peer.getString("name"), List.copyOf(candidates), offer.getJsonObject("relay"), offer.getJsonObject("turn"));
  }

  /** The peer as logs show it: {@code name (id)}, or the id alone. */
  public String peerLabel() {
    return peerName == null ? peerId : peerName + " (" + peerId + ")";
  }

  /**
   * A short fingerprint of the key (first 8 bytes of its SHA-256, hex) that both sides can log and
   * compare; the key itself is never logged.
   */
  public String keyFingerprint() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key);
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public byte[] key() {
    return key.clone();
  }

  @Override
  public String toString() {
    return "PeerSession[id=" + id + ", key=sha256:" + keyFingerprint() + ", expiresAt=" + expiresAt + ", role=" + role
        + ", peer=" + peerLabel() + ", candidates=" + candidates + "]";
  }

  /** {@code ip:port} or {@code [ip]:port}. */
  static InetSocketAddress address(String text) {
    int colon = text.lastIndexOf(':');
    String host = text.substring(0, colon).replace("[", "").replace("]", "");
    return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
  }
}
