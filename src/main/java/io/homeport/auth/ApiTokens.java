package io.homeport.auth;

import io.homeport.config.HomeportConfig;
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
  public static final String ISSUER = HomeportConfig.TOKEN_ISSUER;

  private final JWTAuth provider;
  private final JWTAuth external;

  private ApiTokens(JWTAuth provider, JWTAuth external) {
    this.provider = new VerifiedTokenCache(provider);
    this.external = external == null ? null : new VerifiedTokenCache(external);
  }

  /**
   * An external identity provider whose tokens the API accepts too, as configured.
   *
   * @param issuer the {@code iss} its tokens must carry
   * @param jwks its public keys, a JWK set ({@code {"keys": [...]}})
   */
  public record ExternalIssuer(String issuer, JsonObject jwks) {}

  /** @param privateKeyPem PKCS#8 PEM of the EC P-256 signing key; publicKeyPem its SPKI PEM */
  public static ApiTokens create(Vertx vertx, String privateKeyPem, String publicKeyPem) {
    return create(vertx, privateKeyPem, publicKeyPem, null);
  }

  /**
   * @param external tokens of this issuer are accepted besides Homeport's own; null for none. They
   *     need the same {@code role} claim (and optionally {@code devices}) as Homeport tokens.
   */
  public static ApiTokens create(Vertx vertx, String privateKeyPem, String publicKeyPem, ExternalIssuer external) {
    JWTAuth externalProvider = null;
    if (external != null) {
      JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions().setIssuer(external.issuer()).setLeeway(5));
      external.jwks().getJsonArray("keys", new io.vertx.core.json.JsonArray())
          .forEach(k -> options.addJwk((JsonObject) k));
      externalProvider = JWTAuth.create(vertx, options);
    }
    return new ApiTokens(ownProvider(vertx, privateKeyPem, publicKeyPem), externalProvider);
  }

  private static JWTAuth ownProvider(Vertx vertx, String privateKeyPem, String publicKeyPem) {
    JWTAuthOptions options = new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(privateKeyPem))
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("ES256").setBuffer(publicKeyPem))
        .setJWTOptions(new JWTOptions().setIssuer(ISSUER).setLeeway(5));
    return JWTAuth.create(vertx, options);
  }

  /** Verifies a token from any trusted issuer: Homeport itself, and the external issuer if configured. */
  public io.vertx.ext.auth.authentication.AuthenticationProvider verifier() {
    return external == null ? provider : io.vertx.ext.auth.ChainAuth.any().add(provider).add(external);
  }

  /** The web handler authenticating bearer tokens of every trusted issuer. */
  public io.vertx.ext.web.handler.AuthenticationHandler authenticationHandler() {
    io.vertx.ext.web.handler.JWTAuthHandler own = io.vertx.ext.web.handler.JWTAuthHandler.create(provider);
    return external == null ? own : io.vertx.ext.web.handler.ChainAuthHandler.any().add(own)
        .add(io.vertx.ext.web.handler.JWTAuthHandler.create(external));
  }

  /** Homeport's own provider: mints tokens and verifies them. */
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
