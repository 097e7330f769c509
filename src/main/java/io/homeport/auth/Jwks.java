package io.homeport.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/** EC P-256 public keys as JSON Web Key sets (RFC 7517), the form JWT verifiers fetch keys in. */
public final class Jwks {
  private Jwks() {}

  /** A JWK set with the one key of this SPKI PEM, {@code kid} derived from the key. */
  public static JsonObject fromPublicKeyPem(String publicKeyPem) {
    try {
      String base64 = publicKeyPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      byte[] der = Base64.getDecoder().decode(base64);
      ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
      Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
      String kid = b64.encodeToString(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(der), 12));
      return new JsonObject().put("keys", new JsonArray().add(new JsonObject()
          .put("kty", "EC").put("crv", "P-256").put("use", "sig").put("alg", "ES256").put("kid", kid)
          .put("x", b64.encodeToString(unsigned(key.getW().getAffineX().toByteArray())))
          .put("y", b64.encodeToString(unsigned(key.getW().getAffineY().toByteArray())))));
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException("not an EC public key in PEM", e);
    }
  }

  /** A P-256 coordinate as exactly 32 big-endian bytes. */
  private static byte[] unsigned(byte[] twosComplement) {
    byte[] out = new byte[32];
    int n = Math.min(32, twosComplement.length);
    System.arraycopy(twosComplement, twosComplement.length - n, out, 32 - n, n);
    return out;
  }
}
