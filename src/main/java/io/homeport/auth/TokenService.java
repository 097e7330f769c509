package io.homeport.auth;

import io.homeport.device.DeviceIds;
import io.homeport.lifecycle.Lifecycle;
import io.homeport.refusal.Refusal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
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
 * Mints scoped API tokens, records them (claims only, never the token), revokes them by id and rotates the
 * bootstrap admin token. The set of revoked ids is kept in memory, so checking a request costs no store
 * access; {@link #reloadRevocations} adds the revocations other processes stored (other nodes of a cluster,
 * {@code homeport admin rotate-token}).
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
  private final AdminToken adminToken;
  private final Set<String> revoked = ConcurrentHashMap.newKeySet();
  /** The last rotation of the admin token: rotations in this process run one after the other. */
  private Future<Minted> lastRotation = Future.succeededFuture();

  /** @param adminToken where the bootstrap admin token is kept, replaced by {@link #rotateAdminToken} */
  public TokenService(ApiTokens tokens, TokenRepository repository, Clock clock, String publicKeyPem,
      AdminToken adminToken) {
    this.tokens = tokens;
    this.repository = repository;
    this.clock = clock;
    this.publicKeyPem = publicKeyPem;
    this.adminToken = adminToken;
  }

  /** Loads the revoked token ids from the store. */
  @Override
  public Future<Void> start() {
    return reloadRevocations();
  }

  /**
   * Adds the token ids revoked in the store to the in-memory set, so that a token revoked by another process
   * sharing the store is refused here too.
   */
  public Future<Void> reloadRevocations() {
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
    return issue(role, subject, devices, groups, applicationServers, ttl);
  }

  /** Mints and records a token; {@code ttl} null for one that does not expire (an admin token from a rotation). */
  private Future<Minted> issue(Role role, String subject, List<String> devices, List<String> groups,
      List<String> applicationServers, Duration ttl) {
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
    JWTOptions options = new JWTOptions().setAlgorithm("ES256").setIssuer(ApiTokens.ISSUER).setSubject(subject);
    if (ttl != null) {
      options.setExpiresInSeconds((int) ttl.toSeconds());
    }
    String token = tokens.provider().generateToken(claims, options);
    TokenRecord record = new TokenRecord(id, role, subject, devices, groups, applicationServers, now,
        ttl == null ? null : now.plus(ttl), null);
    return repository.create(record).map(v -> {
      LOG.info("minted {} token {} for {} valid until {}", role.claim(), id, subject,
          record.expiresAt() == null ? "it is revoked" : record.expiresAt());
      return new Minted(token, record);
    });
  }

  /**
   * Replaces the bootstrap admin token: mints and records a new admin token that does not expire, stores it
   * in place of the old one (see {@link AdminToken#write}), then revokes the old one as {@link #revoke} does.
   * The new token is in the answer only, never in a log.
   */
  public synchronized Future<Minted> rotateAdminToken() {
    lastRotation = lastRotation.transform(previous -> adminToken.current()
        .compose(old -> issue(Role.ADMIN, AdminToken.SUBJECT, null, null, null, null)
            .compose(next -> adminToken.replace(next.token())
                .compose(v -> old.map(this::revokeAdminToken).orElse(Future.succeededFuture()))
                .map(v -> {
                  LOG.info("rotated the admin token: {} replaces {}", next.record().id(),
                      old.isPresent() ? "the old one, revoked" : "none");
                  return next;
                }))));
    return lastRotation;
  }

  /**
   * Revokes a replaced admin token. The one created at first start is not recorded yet (the store opens after
   * it is made), so it is recorded from its claims first. A token that does not verify was never valid here.
   */
  private Future<Void> revokeAdminToken(String token) {
    return tokens.provider().authenticate(new TokenCredentials(token))
        .compose(user -> {
          JsonObject claims = user.principal();
          String id = claims.getString("jti");
          return repository.findById(id).compose(found -> found.isPresent() ? Future.succeededFuture()
                  : repository.create(new TokenRecord(id, Role.ADMIN, claims.getString("sub", AdminToken.SUBJECT),
                      null, null, null, Instant.ofEpochSecond(claims.getLong("iat", clock.instant().getEpochSecond())),
                      null, null)))
              .compose(v -> revoke(id)).<Void>mapEmpty();
        }, failure -> {
          LOG.warn("the replaced admin token does not verify ({}); there was nothing to revoke", failure.getMessage());
          return Future.succeededFuture();
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
