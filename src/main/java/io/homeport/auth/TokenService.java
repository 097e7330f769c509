package io.homeport.auth;

import io.homeport.lifecycle.Lifecycle;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mints scoped API tokens, records them (claims only, never the token) and revokes them by id. The
 * set of revoked ids is kept in memory, so checking a request costs no store access.
 */
public final class TokenService implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);
  public static final Duration MAX_TTL = Duration.ofDays(3650);

  /** A minted token: the token text (shown once) and its record. */
  public record Minted(String token, TokenRecord record) {}

  private final ApiTokens tokens;
  private final TokenRepository repository;
  private final Clock clock;
  private final String publicKeyPem;
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();

  public TokenService(ApiTokens tokens, TokenRepository repository, Clock clock, String publicKeyPem) {
    this.tokens = tokens;
    this.repository = repository;
    this.clock = clock;
    this.publicKeyPem = publicKeyPem;
  }

  /** Loads the revoked token ids from the store. */
  @Override
  public Future<Void> start() {
    return repository.revokedIds().map(ids -> {
      revoked.addAll(ids);
      return null;
    });
  }

  public boolean isRevoked(String jti) {
    return jti != null && revoked.contains(jti);
  }

  public Future<Minted> mint(Role role, String subject, List<String> devices, Duration ttl) {
    return mint(role, subject, devices, null, ttl);
  }

  /**
   * @param devices the devices an integrator token is limited to; null for all (only integrators may be limited)
   * @param groups the device groups an integrator token is limited to; null for none. A token with both
   *     sees a device that is in either.
   * @param ttl validity; at most {@link #MAX_TTL}
   */
  public Future<Minted> mint(Role role, String subject, List<String> devices, List<String> groups, Duration ttl) {
    if (devices != null && role != Role.INTEGRATOR) {
      return Future.failedFuture(new Refusal.Invalid("invalid-field",
          "only integrator tokens can be limited to devices", "devices"));
    }
    if (groups != null && role != Role.INTEGRATOR) {
      return Future.failedFuture(new Refusal.Invalid("invalid-field",
          "only integrator tokens can be limited to device groups", "groups"));
    }
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    String id = UUID.randomUUID().toString();
    JsonObject claims = new JsonObject().put("role", role.claim()).put("jti", id);
    if (devices != null) {
      claims.put("devices", new JsonArray(devices));
    }
    if (groups != null) {
      claims.put("groups", new JsonArray(groups));
    }
    String token = tokens.provider().generateToken(claims, new JWTOptions().setAlgorithm("ES256")
        .setIssuer(ApiTokens.ISSUER).setSubject(subject).setExpiresInSeconds((int) ttl.toSeconds()));
    TokenRecord record = new TokenRecord(id, role, subject, devices, groups, now, now.plus(ttl), null);
    return repository.create(record).map(v -> {
      LOG.info("minted {} token {} for {} valid until {}", role.claim(), id, subject, record.expiresAt());
      return new Minted(token, record);
    });
  }

  public Future<TokenRecord> revoke(String id) {
    return repository.revoke(id, clock.instant()).compose(r -> {
      if (r.isEmpty()) {
        return Future.failedFuture(new Refusal.NotFound("token-not-found",
            "no token with id '" + id + "' was minted here"));
      }
      revoked.add(id);
      LOG.info("revoked token {} ({} for {})", id, r.get().role().claim(), r.get().subject());
      return Future.succeededFuture(r.get());
    });
  }

  public Future<List<TokenRecord>> list(int offset, int limit) {
    return repository.list(offset, limit);
  }

  /** The public signing key as a JWK set, for verifiers of Homeport tokens. */
  public JsonObject jwks() {
    return Jwks.fromPublicKeyPem(publicKeyPem);
  }
}
