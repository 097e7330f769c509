package io.homeport.beacon;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
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
 * <p>Not thread-safe (one {@link Mac}): use one instance per event loop.
 */
public final class NonceService {
  /** Nonce length on the wire: 4 bytes epoch + 12 bytes truncated HMAC. */
  public static final int LENGTH = 16;

  private final Mac mac;
  private final long epochMillis;

  /** @param epochMillis the epoch length; a nonce lives between one and two epochs */
  public NonceService(long epochMillis) {
    this(randomSecret(), epochMillis);
  }

  NonceService(byte[] secret, long epochMillis) {
    if (epochMillis <= 0) {
      throw new IllegalArgumentException("epochMillis must be positive");
    }
    this.epochMillis = epochMillis;
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** A nonce for this device, valid from now for at least one epoch. */
  public byte[] issue(String deviceId, long nowMillis) {
    int epoch = epochOf(nowMillis);
    byte[] nonce = new byte[LENGTH];
    ByteBuffer.wrap(nonce).putInt(epoch);
    System.arraycopy(tag(deviceId, epoch), 0, nonce, 4, LENGTH - 4);
    return nonce;
  }

  /** True when the nonce was issued by this process for this device in this or the previous epoch. */
  public boolean isValid(String deviceId, byte[] nonce, long nowMillis) {
    if (nonce == null || nonce.length != LENGTH) {
      return false;
    }
    int epoch = ByteBuffer.wrap(nonce).getInt();
    int current = epochOf(nowMillis);
    if (epoch != current && epoch != current - 1) {
      return false;
    }
    byte[] expected = tag(deviceId, epoch);
    return MessageDigest.isEqual(
        java.util.Arrays.copyOfRange(expected, 0, LENGTH - 4), java.util.Arrays.copyOfRange(nonce, 4, LENGTH));
  }

  /** How long a nonce stays valid at most. */
  public long maxLifetimeMillis() {
    return 2 * epochMillis;
  }

  private int epochOf(long nowMillis) {
    return (int) (nowMillis / epochMillis);
  }

  private byte[] tag(String deviceId, int epoch) {
    mac.update(ByteBuffer.allocate(4).putInt(epoch).array());
    mac.update(deviceId.getBytes(StandardCharsets.UTF_8));
    return mac.doFinal();
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }
}
