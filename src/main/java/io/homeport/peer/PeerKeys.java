package io.homeport.peer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one side of a peer session, derived by HKDF-SHA256 from the 256-bit session key of the
 * offer (salt: the session id): the probe MAC key, one AEAD key per direction, the connection id that
 * data frames carry, and each side's relay token. Both sides, and the server (which knows the session
 * key), derive the same values.
 */
public final class PeerKeys {
  static final int RELAY_TOKEN_BYTES = 12;

  private final byte[] sessionId;
  private final boolean requester;
  private final byte[] probeKey;
  private final SecretKey sendKey;
  private final SecretKey receiveKey;
  private final long connectionId;
  private final byte[] ownRelayToken;
  private final byte[] peerRelayToken;

  private PeerKeys(byte[] sessionId, boolean requester, byte[] sessionKey) {
    this.sessionId = sessionId;
    this.requester = requester;
    this.probeKey = derive(sessionKey, "homeport peer probe", 32);
    SecretKey toTarget = new SecretKeySpec(derive(sessionKey, "homeport peer data requester-to-target", 32), "ChaCha20");
    SecretKey toRequester = new SecretKeySpec(derive(sessionKey, "homeport peer data target-to-requester", 32), "ChaCha20");
    this.sendKey = requester ? toTarget : toRequester;
    this.receiveKey = requester ? toRequester : toTarget;
    this.connectionId = ByteBuffer.wrap(derive(sessionKey, "homeport peer connection id", 8)).getLong();
    this.ownRelayToken = relayToken(sessionKey, this.sessionId, requester);
    this.peerRelayToken = relayToken(sessionKey, this.sessionId, !requester);
  }

  /** The keys of the requester ({@code requester} true) or the target of session {@code sessionId}. */
  public static PeerKeys derive(String sessionId, byte[] sessionKey, boolean requester) {
    if (sessionKey.length != 32) {
      throw new IllegalArgumentException("a session key has 32 bytes, not " + sessionKey.length);
    }
    return new PeerKeys(idBytes(sessionId), requester, sessionKey);
  }

  /** The relay token of one side, as the server derives it to bind the relay allocation to the session. */
  public static byte[] relayToken(String sessionId, byte[] sessionKey, boolean requester) {
    return relayToken(sessionKey, idBytes(sessionId), requester);
  }

  private static byte[] relayToken(byte[] sessionKey, byte[] sessionId, boolean requester) {
    return Hkdf.derive(sessionId, sessionKey,
        ("homeport relay token " + (requester ? "requester" : "target")).getBytes(StandardCharsets.UTF_8),
        RELAY_TOKEN_BYTES);
  }

  private byte[] derive(byte[] sessionKey, String label, int length) {
    return Hkdf.derive(sessionId, sessionKey, label.getBytes(StandardCharsets.UTF_8), length);
  }

  /** The 16 bytes of the session's UUID (the wire form of the id in probes). */
  static byte[] idBytes(String sessionId) {
    UUID id = UUID.fromString(sessionId);
    return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
  }

  byte[] sessionId() {
    return sessionId;
  }

  boolean requester() {
    return requester;
  }

  byte[] probeKey() {
    return probeKey;
  }

  SecretKey sendKey() {
    return sendKey;
  }

  SecretKey receiveKey() {
    return receiveKey;
  }

  long connectionId() {
    return connectionId;
  }

  byte[] ownRelayToken() {
    return ownRelayToken.clone();
  }

  boolean isPeerRelayToken(byte[] buf, int offset) {
    return Arrays.equals(buf, offset, offset + RELAY_TOKEN_BYTES, peerRelayToken, 0, RELAY_TOKEN_BYTES);
  }
}
