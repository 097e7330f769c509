package io.homeport.auth;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers the tokens whose signature a {@link JWTAuth} has verified, until they expire: an integrator or
 * a bench that sends the same bearer token with every request costs one ES256 verification (about 2 ms of
 * CPU on a small machine) instead of one per request. Only verified tokens are remembered, keyed by the
 * whole token, so a changed byte is verified afresh; revocation is still checked on every request by
 * {@link io.homeport.http.RejectRevokedTokens} and the event stream. Each request gets its own copy of the
 * user, so nothing one request does to it reaches another.
 */
final class VerifiedTokenCache implements JWTAuth {
  /** Bounds the memory a flood of distinct valid tokens can take; when full, the cache starts over. */
  static final int MAX_TOKENS = 4096;

  private final JWTAuth verifier;
  private final Map<String, User> verified = new ConcurrentHashMap<>();

  VerifiedTokenCache(JWTAuth verifier) {
    this.verifier = verifier;
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    if (!(credentials instanceof TokenCredentials token) || token.getToken() == null) {
      return verifier.authenticate(credentials);
    }
    String jwt = token.getToken();
    User known = verified.get(jwt);
    if (known != null) {
      if (!known.expired()) {
        return Future.succeededFuture(copy(known));
      }
      verified.remove(jwt);
    }
    return verifier.authenticate(credentials).map(user -> {
      if (verified.size() >= MAX_TOKENS) {
        verified.clear();
      }
      verified.put(jwt, copy(user));
      return user;
    });
  }

  private static User copy(User user) {
    return User.create(user.principal().copy(), user.attributes().copy());
  }

  /** Tokens remembered now (for tests). */
  int size() {
    return verified.size();
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    return verifier.generateToken(claims, options);
  }

  @Override
  public String generateToken(JsonObject claims) {
    return verifier.generateToken(claims);
  }
}
