package io.homeport.store.sql;

import static io.homeport.store.sql.SqlRows.queryOne;

import static io.homeport.store.sql.SqlRows.queryAll;

import static io.homeport.store.sql.SqlRows.instant;
import static io.homeport.store.sql.SqlRows.millis;
import static io.homeport.store.sql.SqlRows.update;

import io.homeport.auth.Role;
import io.homeport.auth.TokenRecord;
import io.homeport.auth.TokenRepository;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link TokenRepository} on either SQL store (its SQL is common to SQLite and PostgreSQL). */
public final class SqlTokenRepository implements TokenRepository {
  private static final String COLUMNS = "id, role, subject, devices, device_groups, application_servers, created_at, "
      + "expires_at, revoked_at";
  private static final String INSERT = "INSERT INTO api_tokens (" + COLUMNS + ") VALUES (#{id}, #{role}, #{subject}, "
      + "#{devices}, #{groups}, #{applicationServers}, #{createdAt}, #{expiresAt}, NULL)";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM api_tokens WHERE id = #{id}";
  private static final String LIST = "SELECT " + COLUMNS + " FROM api_tokens ORDER BY created_at DESC, id "
      + "LIMIT #{limit} OFFSET #{offset}";
  private static final String REVOKE = "UPDATE api_tokens SET revoked_at = #{at} WHERE id = #{id} AND revoked_at IS NULL";
  private static final String REVOKED = "SELECT id FROM api_tokens WHERE revoked_at IS NOT NULL";

  private final Pool pool;

  public SqlTokenRepository(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Void> create(TokenRecord t) {
    Map<String, Object> p = new HashMap<>();
    p.put("id", t.id());
    p.put("role", t.role().claim());
    p.put("subject", t.subject());
    p.put("devices", t.devices() == null ? null : new JsonArray(t.devices()).encode());
    p.put("groups", t.groups() == null ? null : new JsonArray(t.groups()).encode());
    p.put("applicationServers", t.applicationServers() == null ? null : new JsonArray(t.applicationServers()).encode());
    p.put("createdAt", millis(t.createdAt()));
    p.put("expiresAt", millis(t.expiresAt()));
    return update(pool, INSERT, p).mapEmpty();
  }

  @Override
  public Future<Optional<TokenRecord>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return queryOne(pool, SELECT, SqlTokenRepository::toRecord, Map.of("id", id));
  }

  @Override
  public Future<List<TokenRecord>> list(int offset, int limit) {
    return queryAll(pool, LIST, SqlTokenRepository::toRecord, Map.of("offset", offset, "limit", limit));
  }

  @Override
  public Future<Optional<TokenRecord>> revoke(String id, Instant at) {
    return update(pool, REVOKE, Map.of("id", id, "at", millis(at))).compose(n -> findById(id));
  }

  @Override
  public Future<List<String>> revokedIds() {
    return queryAll(pool, REVOKED, row -> row.getString("id"), Map.of());
  }

  private static List<String> list(String json) {
    return json == null ? null : new JsonArray(json).stream().map(String::valueOf).toList();
  }

  private static TokenRecord toRecord(Row row) {
    return new TokenRecord(row.getString("id"), Role.fromClaim(row.getString("role")).orElseThrow(),
        row.getString("subject"), list(row.getString("devices")), list(row.getString("device_groups")),
        list(row.getString("application_servers")),
        instant(row, "created_at"), instant(row, "expires_at"), instant(row, "revoked_at"));
  }
}
