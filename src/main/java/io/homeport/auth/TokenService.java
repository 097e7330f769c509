package io.homeport.auth;

import io.homeport.device.DeviceIds;
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
import java.util.LinkedHashSet;
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
  /** Application-server ids one application token may carry. */
  public static final int MAX_APPLICATION_SERVERS = 100;

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

  /**
   * @param devices the devices an integrator token is limited to; null for all (only integrators may be limited)
   * @param groups the device groups an integrator token is limited to; null for none. A token with both
   *     sees a device that is in either.
   * @param applicationServers the application-server ids an application token may wake devices for: required
   *     for that role (checked ids, see {@link #checkApplicationServers}), null for every other role
   * @param ttl validity; at most {@link #MAX_TTL}
   */
  public Future<Minted> mint(Role role, String subject, List<String> devices, List<String> groups,
      List<String> applicationServers, Duration ttl) {
    if (devices != null && role != Role.INTEGRATOR) {
      return Future.failedFuture(new Refusal.Invalid("invalid-field",
          "only integrator tokens can be limited to devices", "devices"));
    }
    if (groups != null && role != Role.INTEGRATOR) {
      return Future.failedFuture(new Refusal.Invalid("invalid-field",
          "only integrator tokens can be limited to device groups", "groups"));
    }
    if ((applicationServers != null) != (role == Role.APPLICATION)) {
      return Future.failedFuture(new Refusal.Invalid("invalid-field", role == Role.APPLICATION
          ? "an application token needs 'applicationServers', the application-server ids it may wake devices for"
          : "only application tokens carry 'applicationServers'", "applicationServers"));
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
    if (applicationServers != null) {
      claims.put("applicationServers", new JsonArray(applicationServers));
    }
    String token = tokens.provider().generateToken(claims, new JWTOptions().setAlgorithm("ES256")
        .setIssuer(ApiTokens.ISSUER).setSubject(subject).setExpiresInSeconds((int) ttl.toSeconds()));
    TokenRecord record = new TokenRecord(id, role, subject, devices, groups, applicationServers, now,
        now.plus(ttl), null);
    return repository.create(record).map(v -> {
      LOG.info("minted {} token {} for {} valid until {}", role.claim(), id, subject, record.expiresAt());
      return new Minted(token, record);
    });
  }

  /**
   * Checks the {@code applicationServers} of an application token: 1 to {@value #MAX_APPLICATION_SERVERS}
   * distinct ids, each of the form of a device name (as application-server ids in address lists are).
   *
   * @return the ids, duplicates dropped, in the order given
   * @throws Refusal.Invalid {@code invalid-field} naming {@code applicationServers}
   */
  public static List<String> checkApplicationServers(List<String> ids) {
    if (ids.isEmpty() || ids.size() > MAX_APPLICATION_SERVERS) {
      throw new Refusal.Invalid("invalid-field", "'applicationServers' must list 1 to " + MAX_APPLICATION_SERVERS
          + " application-server ids", "applicationServers");
    }
    for (String id : ids) {
      if (id == null || !DeviceIds.NAME.matcher(id).matches()) {
        throw new Refusal.Invalid("invalid-field", "application-server id '" + id + "' is invalid: 1-64 letters, "
            + "digits, '.', '_' or '-', starting with a letter or digit", "applicationServers");
      }
    }
    return List.copyOf(new LinkedHashSet<>(ids));
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
