package io.homeport.stun;

import java.util.HexFormat;
import java.util.zip.CRC32;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Helpers shared by the STUN tests; computed independently of the code under test. */
final class StunTestSupport {

  private StunTestSupport() {}

  /** Bytes from a hex listing such as RFC 5769 prints (whitespace ignored). */
  static byte[] hex(String listing) {
    return HexFormat.of().parseHex(listing.replaceAll("\\s+", ""));
  }

  static int u16(byte[] b, int i) {
    return ((b[i] & 0xFF) << 8) | (b[i + 1] & 0xFF);
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

  /** The RFC 8489 §14.7 fingerprint of {@code msg[0, end)}, with java.util.zip directly. */
  static int fingerprintOf(byte[] msg, int end) {
    CRC32 crc = new CRC32();
    crc.update(msg, 0, end);
    return (int) crc.getValue() ^ 0x5354554E;
  }

  /**
   * The HMAC RFC 8489 §14.5/14.6 specifies for an integrity attribute at {@code at} with a value
   * of {@code valueLength} bytes: over a copy of the message up to it, whose header length is
   * rewritten to end at that attribute.
   */
  static byte[] expectedHmac(String algorithm, byte[] key, byte[] msg, int at, int valueLength)
      throws Exception {
    byte[] prefix = java.util.Arrays.copyOf(msg, at);
    put16(prefix, 2, at - 20 + 4 + valueLength);
    Mac mac = Mac.getInstance(algorithm);
    mac.init(new SecretKeySpec(key, algorithm));
    return mac.doFinal(prefix);
  }

  /** Offset of the first attribute of the given type in an encoded message, or -1. */
  static int offsetOf(byte[] msg, int type) {
    for (int p = 20; p + 4 <= msg.length; p += 4 + ((u16(msg, p + 2) + 3) & ~3)) {
      if (u16(msg, p) == type) {
        return p;
      }
    }
    return -1;
  }

  /**
   * Appends a raw TLV to an encoded message and fixes the header length; if {@code
   * refreshFingerprintAt} is not negative, the FINGERPRINT at that offset is recomputed so that
   * only the placement rule is violated.
   */
  static byte[] appendRaw(byte[] msg, int type, byte[] value, int refreshFingerprintAt) {
    int padded = (value.length + 3) & ~3;
    byte[] out = java.util.Arrays.copyOf(msg, msg.length + 4 + padded);
    put16(out, msg.length, type);
    put16(out, msg.length + 2, value.length);
    System.arraycopy(value, 0, out, msg.length + 4, value.length);
    put16(out, 2, out.length - 20);
    if (refreshFingerprintAt >= 0) {
      put32(out, refreshFingerprintAt + 4, fingerprintOf(out, refreshFingerprintAt));
    }
    return out;
  }
}
