package io.homeport.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeport.pki.DeviceKeys;
import io.homeport.pki.Pem;
import io.homeport.testing.TestServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.security.KeyPair;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The cache of verified API tokens in front of the ES256 verification. */
class VerifiedTokenCacheTest {
  private final Vertx vertx = Vertx.vertx();
  private final KeyPair keys = DeviceKeys.generate();
  private final ApiTokens tokens = ApiTokens.create(vertx, Pem.encodePrivateKey(keys.getPrivate()),
      Pem.encodePublicKey(keys.getPublic()));
  /** Counts the verifications that reach the real provider. */
  private final AtomicInteger verifications = new AtomicInteger();
  private final VerifiedTokenCache cache = new VerifiedTokenCache(new JWTAuth() {
    @Override
    public Future<User> authenticate(Credentials credentials) {
      verifications.incrementAndGet();
      return tokens.provider().authenticate(credentials);
    }

    @Override
    public String generateToken(io.vertx.core.json.JsonObject claims, io.vertx.ext.auth.JWTOptions options) {
      return tokens.provider().generateToken(claims, options);
    }

    @Override
    public String generateToken(io.vertx.core.json.JsonObject claims) {
      return tokens.provider().generateToken(claims);
    }
  });

  @AfterEach
  void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private User authenticate(String token) {
    return cache.authenticate(new TokenCredentials(token)).toCompletionStage().toCompletableFuture().join();
  }

  @Test
  @DisplayName("Verifies that a token sent again is not verified again, and each request gets its own copy of the user")
  void verifiedOnce() {
    // given a valid token
    String token = tokens.mint(Role.OPERATOR, "op", 300);
    // when it is presented three times
    User first = authenticate(token);
    User second = authenticate(token);
    first.principal().put("role", "admin");
    User third = authenticate(token);
    // then its signature was verified once, and what one request did to its user reached no other
    assertThat(verifications).hasValue(1);
    assertThat(second.principal().getString("role")).isEqualTo("operator");
    assertThat(third.principal().getString("role")).isEqualTo("operator");
  }

  @Test
  @DisplayName("Verifies that a token differing in one byte from a remembered one is verified afresh and refused")
  void tamperedTokenRefused() {
    // given a remembered token
    String token = tokens.mint(Role.INTEGRATOR, "int", 300);
    authenticate(token);
    // when the first character of its signature is changed (the last one may only carry padding bits)
    int at = token.lastIndexOf('.') + 1;
    char first = token.charAt(at);
    String tampered = token.substring(0, at) + (first == 'A' ? 'B' : 'A') + token.substring(at + 1);
    // then it is verified and refused
    assertThatThrownBy(() -> authenticate(tampered)).isNotNull();
    assertThat(verifications).hasValue(2);
  }

  @Test
  @DisplayName("Verifies that a remembered token stops working when it expires")
  void expiredTokenRefused() throws Exception {
    // given a token valid for one second, remembered
    String token = tokens.mint(Role.ADMIN, "short", 1);
    assertThat(authenticate(token).principal().getString("role")).isEqualTo("admin");
    // when it has expired (beyond the 5 s leeway the verifier allows)
    TestServer.await("the token expired", Duration.ofSeconds(15), () -> {
      try {
        authenticate(token);
        return false;
      } catch (RuntimeException refused) {
        return true;
      }
    });
    // then it is refused, by the verifier itself
    assertThat(verifications.get()).isGreaterThan(1);
    assertThat(cache.size()).isZero();
  }
}
