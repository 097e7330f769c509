package io.homeport.device;

import io.homeport.refusal.Refusal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The enrollment token format: {@code hp1.<device-id>.<secret>.<ca-pin>}, each part base64url
 * without padding. The device id tells the agent what to put in its CSR. The secret (24 random
 * bytes) authorises one enrollment; the server keeps only its SHA-256. The CA
 * pin is the SHA-256 of the device CA certificate: it lets the agent authenticate the server on its
 * very first TLS connection, before it has any other trust anchor, so the token is the one thing an
 * operator has to hand to a device.
 */
public final class EnrollmentTokens {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Pattern FORMAT = Pattern.compile("hp1\\.([A-Za-z0-9_-]{2,86})\\.([A-Za-z0-9_-]{32})\\.([A-Za-z0-9_-]{43})");

  private EnrollmentTokens() {}

  /** A parsed token. */
  public record Parsed(String deviceId, String secret, byte[] caPin) {
    /** Hex SHA-256 of the secret: the value stored and looked up. */
    public String hash() {
      return EnrollmentTokens.hash(secret);
    }
  }

  public static String create(String deviceId, byte[] caSha256) {
    byte[] secret = new byte[24];
    RANDOM.nextBytes(secret);
    return "hp1." + B64.encodeToString(deviceId.getBytes(StandardCharsets.UTF_8)) + "." + B64.encodeToString(secret)
        + "." + B64.encodeToString(caSha256);
  }

  /** @throws Refusal (INVALID) when the text is not a token of this format */
  public static Parsed parse(String token) {
    var m = token == null ? null : FORMAT.matcher(token.trim());
    if (m == null || !m.matches()) {
      throw new Refusal.Invalid("malformed-enrollment-token",
          "the enrollment token is malformed (expected hp1.<device-id>.<secret>.<ca-pin> as issued by POST /api/v1/devices)");
    }
    return new Parsed(new String(Base64.getUrlDecoder().decode(m.group(1)), StandardCharsets.UTF_8), m.group(2),
        Base64.getUrlDecoder().decode(m.group(3)));
  }

  static String hash(String secret) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
