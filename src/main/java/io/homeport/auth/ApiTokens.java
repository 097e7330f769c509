package io.homeport.auth;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.util.UUID;

/**
 * Mints and verifies the API's ES256 bearer tokens with the server's JWT signing key. Claims:
 * {@code sub}, {@code role} (see {@link Role}), {@code jti} (so a later release can revoke tokens by id),
 * {@code iss} and {@code iat}.
 */
public final class ApiTokens {
  public static final String ISSUER = "homeport";

  private final JWTAuth provider;

  private ApiTokens(JWTAuth provider) {
    this.provider = provider;
  }

  /** @param privateKeyPem PKCS#8 PEM of the EC P-256 signing key; publicKeyPem its SPKI PEM */
  public static ApiTokens create(Vertx vertx, String privateKeyPem, String publicKeyPem) {
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(privateKeyPem))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(publicKeyPem))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setLeeway(5));
    return new ApiTokens(JWTAuth.create(vertx, options));
  }

  public JWTAuth provider() {
    return provider;
  }

  /**
   * A token for this role and subject.
   *
   * @param expiresInSeconds 0 for a token that does not expire (the bootstrap admin token)
   */
  public String mint(Role role, String subject, int expiresInSeconds) {
    return mint(role, subject, expiresInSeconds, new JsonObject());
  }

  /**
   * A token for this role and subject with more claims, such as {@code devices} (a JSON array of device
   * ids an integrator is limited to). {@code role} and {@code jti} cannot be overridden.
   */
  public String mint(Role role, String subject, int expiresInSeconds, JsonObject extraClaims) {
    JWTOptions options = new JWTOptions().setAlgorithm("ES256").setIssuer(ISSUER).setSubject(subject);
    if (expiresInSeconds > 0) {
      options.setExpiresInSeconds(expiresInSeconds);
    }
    return provider.generateToken(extraClaims.copy()
        .put("role", role.claim()).put("jti", UUID.randomUUID().toString()), options);
  }
}
