package io.homeport.peer;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The wire forms of the peer channel (DESIGN 5.1). Every frame's first byte has its top two bits set
 * to 01, so a keepalive socket tells it from STUN (00). All integers big-endian.
 *
 * <table>
 *   <tr><th>frame</th><th>layout</th></tr>
 *   <tr><td>probe 0x50, ack 0x51</td><td>session id (16), transaction (8), MAC (16): HMAC-SHA256 of type,
 *       sender side and the rest under the probe key, truncated; 41 bytes, an ack exactly the size of its probe</td></tr>
 *   <tr><td>data 0x52</td><td>connection id (8), counter (8), then ChaCha20-Poly1305 of (kind (1), payload)
 *       under the sender's direction key, nonce = 4 zero bytes + counter, the 17-byte header as AAD</td></tr>
 *   <tr><td>relayed 0x60</td><td>relay token of the sending side (12), then a data frame: 13 bytes of relay header</td></tr>
 * </table>
 */
public final class PeerFrames {
  public static final byte PROBE = 0x50;
  public static final byte ACK = 0x51;
  public static final byte DATA = 0x52;
  public static final byte RELAYED = 0x60;
  static final int PROBE_BYTES = 1 + 16 + 8 + 16;
  static final int DATA_HEADER = 1 + 8 + 8;
  static final int TAG_BYTES = 16;
  public static final int RELAY_HEADER = 1 + PeerKeys.RELAY_TOKEN_BYTES;
  /** What a data frame adds to its payload: header, kind byte, Poly1305 tag. */
  public static final int DATA_OVERHEAD = DATA_HEADER + 1 + TAG_BYTES;

  /** What a data frame carries, the first byte of its plaintext. */
  enum Kind {
    PAYLOAD, HEARTBEAT, HEARTBEAT_ACK;

    static Kind of(byte b) {
      return b >= 0 && b < values().length ? values()[b] : null;
    }
  }

  private PeerFrames() {}

  /** True for a datagram that is a peer or relay frame rather than STUN (first two bits 00). */
  public static boolean isPeerFrame(byte[] buf, int offset, int length) {
    return length > 0 && (buf[offset] & 0xC0) == 0x40;
  }

  /** A probe ({@link #PROBE}) or an ack ({@link #ACK}) of transaction {@code tx}, from the side of {@code keys}. */
  static byte[] probe(byte type, PeerKeys keys, long tx) {
    ByteBuffer b = ByteBuffer.allocate(PROBE_BYTES);
    b.put(type).put(keys.sessionId()).putLong(tx);
    b.put(mac(keys, type, keys.requester(), keys.sessionId(), tx), 0, 16);
    return b.array();
  }

  /** The transaction of a probe or ack from the peer of {@code keys}, or -1 when it is not one (wrong session, bad MAC). */
  static long verifyProbe(PeerKeys keys, byte[] buf, int offset, int length) {
    if (length != PROBE_BYTES) {
      return -1;
    }
    ByteBuffer b = ByteBuffer.wrap(buf, offset, length);
    byte type = b.get();
    byte[] sid = new byte[16];
    b.get(sid);
    if (!MessageDigest.isEqual(sid, keys.sessionId())) {
      return -1;
    }
    long tx = b.getLong();
    byte[] expected = mac(keys, type, !keys.requester(), sid, tx);
    byte[] got = new byte[16];
    b.get(got);
    return MessageDigest.isEqual(java.util.Arrays.copyOf(expected, 16), got) && tx >= 0 ? tx : -1;
  }

  /** A data frame with counter {@code counter}. */
  static byte[] data(PeerKeys keys, Cipher cipher, long counter, Kind kind, byte[] payload) {
    byte[] out = new byte[DATA_HEADER + 1 + payload.length + TAG_BYTES];
    ByteBuffer.wrap(out).put(DATA).putLong(keys.connectionId()).putLong(counter);
    try {
      cipher.init(Cipher.ENCRYPT_MODE, keys.sendKey(), nonce(counter));
      cipher.updateAAD(out, 0, DATA_HEADER);
      byte[] plain = new byte[1 + payload.length];
      plain[0] = (byte) kind.ordinal();
      System.arraycopy(payload, 0, plain, 1, payload.length);
      cipher.doFinal(plain, 0, plain.length, out, DATA_HEADER);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 failed", e);
    }
  }

  /** The counter of a data frame for {@code keys}' connection, or -1 when it is not one. */
  static long dataCounter(PeerKeys keys, byte[] buf, int offset, int length) {
    if (length < DATA_HEADER + 1 + TAG_BYTES || buf[offset] != DATA) {
      return -1;
    }
    ByteBuffer b = ByteBuffer.wrap(buf, offset, length);
    b.get();
    return b.getLong() == keys.connectionId() ? b.getLong() : -1;
  }

  /** The plaintext (kind byte first) of an authentic data frame; null when authentication fails. */
  static byte[] open(PeerKeys keys, Cipher cipher, long counter, byte[] buf, int offset, int length) {
    try {
      cipher.init(Cipher.DECRYPT_MODE, keys.receiveKey(), nonce(counter));
      cipher.updateAAD(buf, offset, DATA_HEADER);
      return cipher.doFinal(buf, offset + DATA_HEADER, length - DATA_HEADER);
    } catch (AEADBadTagException e) {
      return null;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("ChaCha20-Poly1305 failed", e);
    }
  }

  /** The frame wrapped for the relay with the sending side's token. */
  public static byte[] relayed(PeerKeys keys, byte[] frame) {
    byte[] out = new byte[RELAY_HEADER + frame.length];
    out[0] = RELAYED;
    System.arraycopy(keys.ownRelayToken(), 0, out, 1, PeerKeys.RELAY_TOKEN_BYTES);
    System.arraycopy(frame, 0, out, RELAY_HEADER, frame.length);
    return out;
  }

  static Cipher newCipher() {
    try {
      return Cipher.getInstance("ChaCha20-Poly1305");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK lacks ChaCha20-Poly1305", e);
    }
  }

  private static IvParameterSpec nonce(long counter) {
    return new IvParameterSpec(ByteBuffer.allocate(12).putInt(0).putLong(counter).array());
  }

  private static byte[] mac(PeerKeys keys, byte type, boolean fromRequester, byte[] sid, long tx) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(keys.probeKey(), "HmacSHA256"));
      mac.update(type);
      mac.update((byte) (fromRequester ? 1 : 2));
      mac.update(sid);
      mac.update(ByteBuffer.allocate(8).putLong(tx).array());
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
