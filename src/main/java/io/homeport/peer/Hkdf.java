package io.homeport.peer;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869) on the JDK's HMAC: the key derivation of the peer channel (DESIGN 5.1, 9). */
public final class Hkdf {
  private static final String HMAC = "HmacSHA256";
  private static final int HASH_BYTES = 32;

  private Hkdf() {}

  /** Extract then expand: {@code length} bytes of output keying material (at most 255 * 32). */
  public static byte[] derive(byte[] salt, byte[] ikm, byte[] info, int length) {
    return expand(extract(salt, ikm), info, length);
  }

  static byte[] extract(byte[] salt, byte[] ikm) {
    return hmac(salt == null || salt.length == 0 ? new byte[HASH_BYTES] : salt, ikm);
  }

  static byte[] expand(byte[] prk, byte[] info, int length) {
    if (length < 1 || length > 255 * HASH_BYTES) {
      throw new IllegalArgumentException("HKDF output length must be 1 to " + 255 * HASH_BYTES + ": " + length);
    }
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(prk, HMAC));
      byte[] out = new byte[length];
      byte[] block = new byte[0];
      for (int i = 1, done = 0; done < length; i++) {
        mac.update(block);
        mac.update(info);
        mac.update((byte) i);
        block = mac.doFinal();
        int n = Math.min(block.length, length - done);
        System.arraycopy(block, 0, out, done, n);
        done += n;
      }
      Arrays.fill(block, (byte) 0);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }

  private static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(key, HMAC));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is unavailable", e);
    }
  }
}
