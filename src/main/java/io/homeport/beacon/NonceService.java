package io.homeport.beacon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless server nonces for keepalive freshness (DESIGN.md 2.1): a nonce is the time epoch plus
 * an HMAC of (device id, epoch) under a secret. A nonce is valid in its own epoch and the next one.
 *
 * <p>The secret is random per process and never stored: after a restart every old nonce is void, so
 * a keepalive captured before the restart cannot be replayed after it even though the per-device
 * sequence numbers (held in memory) are gone. Devices recover with one 401 round trip.
 *
 * <p>Not thread-safe (one {@link Mac}): use one instance per intake thread, made with {@link #sibling()} so that
 * all of them share the secret and accept each other's nonces.
 */
public final class NonceService {
  /** Nonce length on the wire: 4 bytes epoch + 12 bytes truncated HMAC. */
  public static final int LENGTH = 16;
  private static final int TAG_LENGTH = LENGTH - 4;

  private final byte[] secret;
  private final Mac mac;
  private final long epochMillis;
  private final byte[] tag = new byte[32]; // HMAC output, reused

  /** @param epochMillis the epoch length; a nonce lives between one and two epochs */
  public NonceService(long epochMillis) {
    this(randomSecret(), epochMillis);
  }

  NonceService(byte[] secret, long epochMillis) {
    if (epochMillis <= 0) {
      throw new IllegalArgumentException("epochMillis must be positive");
    }
    this.epochMillis = epochMillis;
    this.secret = secret;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Another instance with the same secret and epoch, for another thread. */
  public NonceService sibling() {
    return new NonceService(secret, epochMillis);
  }

  /** A nonce for this device, valid from now for at least one epoch. */
  public byte[] issue(String deviceId, long nowMillis) {
    int epoch = epochOf(nowMillis);
    byte[] nonce = new byte[LENGTH];
    ByteBuffer.wrap(nonce).putInt(epoch);
    computeTag(deviceId, epoch);
    System.arraycopy(tag, 0, nonce, 4, TAG_LENGTH);
    return nonce;
  }

  /** True when the nonce was issued by this process for this device in this or the previous epoch. */
  public boolean isValid(String deviceId, byte[] nonce, long nowMillis) {
    if (nonce == null || nonce.length != LENGTH) {
      return false;
    }
    int epoch = epochOf(nonce);
    int current = epochOf(nowMillis);
    if (epoch != current && epoch != current - 1) {
      return false;
    }
    computeTag(deviceId, epoch);
    int diff = 0; // constant time over the tag
    for (int i = 0; i < TAG_LENGTH; i++) {
      diff |= tag[i] ^ nonce[4 + i];
    }
    return diff == 0;
  }

  /**
   * True when a valid nonce was issued in the current epoch: it can be handed back as the answer's nonce,
   * since it stays valid for at least one more epoch, which saves computing a new one.
   */
  public boolean isCurrent(byte[] validNonce, long nowMillis) {
    return epochOf(validNonce) == epochOf(nowMillis);
  }

  /** How long a nonce stays valid at most. */
  public long maxLifetimeMillis() {
    return 2 * epochMillis;
  }

  private int epochOf(long nowMillis) {
    return (int) (nowMillis / epochMillis);
  }

  private static int epochOf(byte[] nonce) {
    return ((nonce[0] & 0xFF) << 24) | ((nonce[1] & 0xFF) << 16) | ((nonce[2] & 0xFF) << 8) | (nonce[3] & 0xFF);
  }

  private void computeTag(String deviceId, int epoch) {
    mac.update((byte) (epoch >>> 24));
    mac.update((byte) (epoch >>> 16));
    mac.update((byte) (epoch >>> 8));
    mac.update((byte) epoch);
    mac.update(deviceId.getBytes(StandardCharsets.UTF_8));
    try {
      mac.doFinal(tag, 0);
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalStateException(e); // 32 bytes always fit an HMAC-SHA256
    }
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
