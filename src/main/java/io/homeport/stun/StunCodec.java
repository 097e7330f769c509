package io.homeport.stun;

import static io.homeport.stun.StunAttributes.FINGERPRINT;
import static io.homeport.stun.StunAttributes.MESSAGE_INTEGRITY;
import static io.homeport.stun.StunAttributes.MESSAGE_INTEGRITY_SHA256;
import static io.homeport.stun.StunMessage.HEADER_LENGTH;
import static io.homeport.stun.StunMessage.MAGIC_COOKIE;

import io.homeport.stun.StunParseException.Reason;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Decodes STUN datagrams (RFC 8489) and verifies their integrity attributes.
 *
 * <p>Decoding validates the structure only: the header (two zero bits, magic cookie, a length that
 * is a multiple of 4 and matches the datagram), every attribute TLV with its padding, the
 * placement and length of MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT, and the
 * FINGERPRINT CRC when present. Attribute values are checked only when read through {@link
 * StunAttributes}. Integrity is checked separately with {@link #verifyIntegritySha256} once the
 * caller knows which key applies (typically from USERNAME).
 *
 * <p>Hostile input: for any bytes, {@code decode} either returns a message or throws {@link
 * StunParseException}; it rejects bad input before allocating anything, and allocates only in
 * proportion to the datagram actually given to it. All methods are thread-safe.
 */
public final class StunCodec {

  /**
   * Most attributes a decoded message may carry. Real messages have a handful; the cap bounds the
   * work a hostile 64 KiB datagram of empty attributes can cause.
   */
  public static final int MAX_ATTRIBUTES = 128;

  static final int FINGERPRINT_XOR = 0x5354554E;
  private static final int INTEGRITY_LENGTH = 20;
  private static final int INTEGRITY_SHA256_LENGTH = 32;
  private static final int INTEGRITY_SHA256_MIN_LENGTH = 16;
  private static final int FINGERPRINT_LENGTH = 4;

  private static final String HMAC_SHA1 = "HmacSHA1";
  private static final String HMAC_SHA256 = "HmacSHA256";
  // Mac instances are not thread-safe and Mac.getInstance does a provider lookup each time:
  // keep one per thread (a handful of event-loop and beacon threads).
  private static final ThreadLocal<KeyedMac> MAC_SHA1 = ThreadLocal.withInitial(() -> new KeyedMac(HMAC_SHA1));
  private static final ThreadLocal<KeyedMac> MAC_SHA256 = ThreadLocal.withInitial(() -> new KeyedMac(HMAC_SHA256));

  /**
   * A thread's Mac and the key it was last initialised with: a keepalive's check and its answer's
   * signature use the same key, and re-initialising costs more than comparing 32 bytes.
   */
  private static final class KeyedMac {
    private final String algorithm;
    private final Mac mac;
    private byte[] key; // null until first initialised

    KeyedMac(String algorithm) {
      this.algorithm = algorithm;
      this.mac = newMac(algorithm);
    }

    /** The Mac, initialised with {@code key} and in its initial state. */
    Mac with(byte[] key) {
      if (Arrays.equals(key, this.key)) {
        mac.reset(); // back to the initial state, in case a failed call left some
        return mac;
      }
      try {
        mac.init(new SecretKeySpec(key, algorithm));
      } catch (GeneralSecurityException e) {
        throw new IllegalArgumentException("unusable HMAC key", e);
      }
      this.key = key.clone();
      return mac;
    }
  }

  private StunCodec() {}

  /** Decodes a whole datagram; see {@link #decode(byte[], int, int)}. */
  public static StunMessage decode(byte[] datagram) throws StunParseException {
    return decode(datagram, 0, datagram.length);
  }

  /**
   * Decodes the STUN message in {@code buf[offset, offset + length)}. The bytes are copied, so the
   * caller may reuse the buffer afterwards.
   *
   * @throws StunParseException if the bytes are not a well-formed STUN message
   * @throws IndexOutOfBoundsException if offset and length do not describe a range of {@code buf}
   */
  public static StunMessage decode(byte[] buf, int offset, int length) throws StunParseException {
    Objects.checkFromIndexSize(offset, length, buf.length);
    if (length < HEADER_LENGTH) {
      throw new StunParseException(Reason.TOO_SHORT, "shorter than a STUN header");
    }
    if ((buf[offset] & 0xC0) != 0) {
      throw new StunParseException(Reason.BAD_HEADER, "message type has its top bits set");
    }
    if (u32(buf, offset + 4) != MAGIC_COOKIE) {
      throw new StunParseException(Reason.BAD_COOKIE, "no magic cookie");
    }
    int bodyLength = u16(buf, offset + 2);
    if ((bodyLength & 3) != 0 || bodyLength != length - HEADER_LENGTH) {
      throw new StunParseException(Reason.BAD_LENGTH, "length field does not match the datagram");
    }

    // Pass 1 validates everything without allocating, so garbage costs no garbage.
    int end = offset + length;
    int count = 0;
    int integrityAt = -1;
    int integritySha256At = -1;
    boolean fingerprintSeen = false;
    for (int p = offset + HEADER_LENGTH; p < end; ) {
      // p and end are both 4-aligned relative to offset, so a 4-byte TLV header always fits
      int type = u16(buf, p);
      int valueLength = u16(buf, p + 2);
      int padded = (valueLength + 3) & ~3;
      if (padded > end - p - 4) {
        throw new StunParseException(Reason.BAD_ATTRIBUTE, "attribute overruns the message");
      }
      if (fingerprintSeen) {
        throw new StunParseException(Reason.FINGERPRINT_NOT_LAST, "attribute after FINGERPRINT");
      }
      // RFC 8489 §14.5/14.6: only MESSAGE-INTEGRITY-SHA256 may follow MESSAGE-INTEGRITY, and only
      // FINGERPRINT may follow either. The RFC says to ignore anything else; we reject it, since
      // no honest Homeport peer sends it and unsigned trailing data invites confusion.
      if (type != FINGERPRINT
          && (integritySha256At >= 0 || (integrityAt >= 0 && type != MESSAGE_INTEGRITY_SHA256))) {
        throw new StunParseException(
            Reason.ATTRIBUTE_AFTER_INTEGRITY, "attribute after an integrity attribute");
      }
      switch (type) {
        case MESSAGE_INTEGRITY:
          if (valueLength != INTEGRITY_LENGTH) {
            throw new StunParseException(Reason.BAD_ATTRIBUTE, "MESSAGE-INTEGRITY is not 20 bytes");
          }
          integrityAt = p - offset;
          break;
        case MESSAGE_INTEGRITY_SHA256:
          // RFC 8489 §14.6 allows truncation to 16..32 bytes in steps of 4
          if (valueLength < INTEGRITY_SHA256_MIN_LENGTH
              || valueLength > INTEGRITY_SHA256_LENGTH
              || (valueLength & 3) != 0) {
            throw new StunParseException(
                Reason.BAD_ATTRIBUTE, "MESSAGE-INTEGRITY-SHA256 has a bad length");
          }
          integritySha256At = p - offset;
          break;
        case FINGERPRINT:
          if (valueLength != FINGERPRINT_LENGTH) {
            throw new StunParseException(Reason.BAD_ATTRIBUTE, "FINGERPRINT is not 4 bytes");
          }
          if (u32(buf, p + 4) != fingerprint(buf, offset, p - offset)) {
            throw new StunParseException(Reason.BAD_FINGERPRINT, "FINGERPRINT does not match");
          }
          fingerprintSeen = true;
          break;
        default:
          break;
      }
      if (++count > MAX_ATTRIBUTES) {
        throw new StunParseException(Reason.TOO_MANY_ATTRIBUTES, "too many attributes");
      }
      p += 4 + padded;
    }

    // Pass 2: one copy of the datagram, attributes are views onto it.
    byte[] raw = Arrays.copyOfRange(buf, offset, end);
    StunAttribute[] attributes = new StunAttribute[count];
    int i = 0;
    for (int p = HEADER_LENGTH; p < raw.length; ) {
      int valueLength = u16(raw, p + 2);
      attributes[i++] = new StunAttribute(u16(raw, p), raw, p + 4, valueLength);
      p += 4 + ((valueLength + 3) & ~3);
    }
    return new StunMessage(raw, attributes, integrityAt, integritySha256At);
  }

  /**
   * Whether the message carries a full-length (32-byte) MESSAGE-INTEGRITY-SHA256 that is the
   * HMAC-SHA256, under {@code key}, of the message up to that attribute with the header length
   * adjusted to end at it (RFC 8489 §14.6). Returns false if the attribute is absent or truncated:
   * Homeport peers always send the full HMAC, so accepting a shorter one would only weaken it.
   *
   * @param key the non-empty HMAC key
   * @throws IllegalArgumentException if the key is empty
   */
  public static boolean verifyIntegritySha256(StunMessage message, byte[] key) {
    return verify(message.raw(), message.integritySha256Offset(), INTEGRITY_SHA256_LENGTH, MAC_SHA256.get(), key);
  }

  /**
   * Whether the message carries a legacy MESSAGE-INTEGRITY that is the HMAC-SHA1, under {@code
   * key}, of the message up to that attribute with the header length adjusted to end at it (RFC
   * 8489 §14.5). For short-term credentials the key is the password bytes (after OpaqueString
   * preparation); for long-term credentials MD5(username ":" realm ":" password).
   *
   * @param key the non-empty HMAC key
   * @throws IllegalArgumentException if the key is empty
   */
  public static boolean verifyIntegritySha1(StunMessage message, byte[] key) {
    return verify(message.raw(), message.integrityOffset(), INTEGRITY_LENGTH, MAC_SHA1.get(), key);
  }

  private static boolean verify(byte[] raw, int at, int expectedLength, KeyedMac mac, byte[] key) {
    Objects.requireNonNull(key, "key");
    if (key.length == 0) {
      throw new IllegalArgumentException("empty integrity key");
    }
    if (at < 0 || u16(raw, at + 2) != expectedLength) {
      return false;
    }
    byte[] expected = hmac(mac, key, raw, at, at - HEADER_LENGTH + 4 + expectedLength);
    int diff = 0; // constant time
    for (int i = 0; i < expectedLength; i++) {
      diff |= expected[i] ^ raw[at + 4 + i];
    }
    return diff == 0;
  }

  // --- encoding (used by StunMessage.Builder) ---

  static byte[] encode(
      int type,
      byte[] transactionId,
      List<StunAttribute> attributes,
      byte[] integrityKey,
      byte[] integritySha256Key,
      boolean fingerprint) {
    int bodyLength = 0;
    for (StunAttribute a : attributes) {
      bodyLength += 4 + ((a.length() + 3) & ~3);
      if (bodyLength > 0xFFFF) {
        break; // already too long; stop before the int could overflow
      }
    }
    bodyLength += integrityKey != null ? 4 + INTEGRITY_LENGTH : 0;
    bodyLength += integritySha256Key != null ? 4 + INTEGRITY_SHA256_LENGTH : 0;
    bodyLength += fingerprint ? 4 + FINGERPRINT_LENGTH : 0;
    if (bodyLength > 0xFFFF) {
      throw new IllegalStateException("STUN message longer than 65535 bytes after the header");
    }

    byte[] out = new byte[HEADER_LENGTH + bodyLength];
    put16(out, 0, type);
    put32(out, 4, MAGIC_COOKIE);
    System.arraycopy(transactionId, 0, out, 8, StunMessage.TRANSACTION_ID_LENGTH);
    int p = HEADER_LENGTH;
    for (StunAttribute a : attributes) {
      put16(out, p, a.type());
      put16(out, p + 2, a.length());
      System.arraycopy(a.buf(), a.off(), out, p + 4, a.length());
      p += 4 + ((a.length() + 3) & ~3); // padding bytes stay zero
    }
    if (integrityKey != null) {
      p = appendHmac(out, p, MESSAGE_INTEGRITY, INTEGRITY_LENGTH, MAC_SHA1.get(), integrityKey);
    }
    if (integritySha256Key != null) {
      p = appendHmac(out, p, MESSAGE_INTEGRITY_SHA256, INTEGRITY_SHA256_LENGTH, MAC_SHA256.get(),
          integritySha256Key);
    }
    if (fingerprint) {
      put16(out, 2, p - HEADER_LENGTH + 4 + FINGERPRINT_LENGTH);
      put16(out, p, FINGERPRINT);
      put16(out, p + 2, FINGERPRINT_LENGTH);
      put32(out, p + 4, fingerprint(out, 0, p));
      p += 4 + FINGERPRINT_LENGTH;
    }
    put16(out, 2, bodyLength);
    return out;
  }

  private static int appendHmac(byte[] out, int p, int type, int length, KeyedMac mac, byte[] key) {
    byte[] hmac = hmac(mac, key, out, p, p - HEADER_LENGTH + 4 + length);
    put16(out, p, type);
    put16(out, p + 2, length);
    System.arraycopy(hmac, 0, out, p + 4, length);
    return p + 4 + length;
  }

  /**
   * HMAC over {@code msg[0, end)} with the header length field replaced by {@code lengthField},
   * fed in pieces so neither the message nor the header is copied.
   */
  private static byte[] hmac(KeyedMac keyed, byte[] key, byte[] msg, int end, int lengthField) {
    Mac mac = keyed.with(key);
    mac.update(msg, 0, 2);
    mac.update((byte) (lengthField >>> 8));
    mac.update((byte) lengthField);
    mac.update(msg, 4, end - 4);
    return mac.doFinal();
  }

  /** CRC-32 of {@code buf[offset, offset + length)} XOR 0x5354554E (RFC 8489 §14.7). */
  private static int fingerprint(byte[] buf, int offset, int length) {
    CRC32 crc = new CRC32();
    crc.update(buf, offset, length);
    return (int) crc.getValue() ^ FINGERPRINT_XOR;
  }

  private static Mac newMac(String algorithm) {
    try {
      return Mac.getInstance(algorithm);
    } catch (GeneralSecurityException e) {
      // every Java platform must provide HmacSHA1 and HmacSHA256
      throw new IllegalStateException(algorithm + " not available", e);
    }
  }

  // --- big-endian helpers ---

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
  }

  static int u32(byte[] b, int i) {
    return ((b[i] & 0xFF) << 24) | ((b[i + 1] & 0xFF) << 16) | ((b[i + 2] & 0xFF) << 8)
        | (b[i + 3] & 0xFF);
  }

  static void put16(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 8);
    b[i + 1] = (byte) v;
  }

  static void put32(byte[] b, int i, int v) {
    b[i] = (byte) (v >>> 24);
    b[i + 1] = (byte) (v >>> 16);
    b[i + 2] = (byte) (v >>> 8);
    b[i + 3] = (byte) v;
  }

  static void put64(byte[] b, int i, long v) {
    put32(b, i, (int) (v >>> 32));
    put32(b, i + 4, (int) v);
  }
}
