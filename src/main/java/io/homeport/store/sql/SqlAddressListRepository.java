package io.homeport.store.sql;

import static io.homeport.store.sql.SqlRows.flag;
import static io.homeport.store.sql.SqlRows.instant;
import static io.homeport.store.sql.SqlRows.millis;
import static io.homeport.store.sql.SqlRows.queryAll;
import static io.homeport.store.sql.SqlRows.queryOne;
import static io.homeport.store.sql.SqlRows.update;

import io.homeport.addresslist.AddressListEntry;
import io.homeport.addresslist.AddressListPublication;
import io.homeport.addresslist.AddressListRepository;
import io.homeport.addresslist.AddressListScope;
import io.homeport.refusal.Refusal;
import io.homeport.store.StoreException;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link AddressListRepository} on either SQL store, through its pool: lists are published by operators,
 * far from any hot path. A publication or a regrouping starts with the counter's increment, {@code UPDATE
 * ... RETURNING}: on SQLite a writing transaction must start with a write (see {@code SqliteStore}), on
 * PostgreSQL the counter row's lock, held to the commit, queues concurrent transactions there; either way
 * versions follow the commit order. Scopes are stored by their wire name (V11).
 */
public final class SqlAddressListRepository implements AddressListRepository {
  private static final String NEXT_VERSION =
      "UPDATE address_list_counter SET last_version = last_version + 1 WHERE id = 1 RETURNING last_version";
  private static final String INSERT_PUBLICATION = "INSERT INTO address_list_publications "
      + "(version, scope, published_at, urgent) VALUES (#{version}, #{scope}, #{publishedAt}, #{urgent})";
  private static final String INSERT_ENTRY = "INSERT INTO address_list_entries (version, server_id, url, pins, web_pki) "
      + "VALUES (#{version}, #{serverId}, #{url}, #{pins}, #{webPki})";
  private static final String SELECT_LATEST = "SELECT version, scope, published_at, urgent FROM address_list_publications p "
      + "WHERE version = (SELECT max(version) FROM address_list_publications WHERE scope = p.scope)";
  private static final String SELECT_ENTRIES =
      "SELECT server_id, url, pins, web_pki FROM address_list_entries WHERE version = #{version}";
  private static final String SELECT_ENTRIES_AT = "SELECT server_id, url, pins, web_pki FROM address_list_entries "
      + "WHERE version = (SELECT max(version) FROM address_list_publications WHERE scope = #{scope} AND version <= #{version})";
  private static final String UPSERT_MARK = "INSERT INTO address_list_regroupings (device_id, version) "
      + "VALUES (#{deviceId}, #{version}) ON CONFLICT (device_id) DO UPDATE SET version = excluded.version";
  private static final String SELECT_MARKS = "SELECT device_id, version FROM address_list_regroupings";

  private final Pool pool;
  private final SqlDialect dialect;

  public SqlAddressListRepository(Pool pool, SqlDialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  @Override
  public Future<AddressListPublication> publish(AddressListScope scope, Map<String, AddressListEntry> entries,
      boolean urgent, Instant at) {
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(at, "at");
    Map<String, AddressListEntry> list = Map.copyOf(entries);
    return pool.withTransaction(conn -> nextVersion(conn).compose(version -> {
      Future<Integer> chain = update(conn, INSERT_PUBLICATION, Map.of("version", version, "scope", scope.wireName(),
          "publishedAt", millis(at), "urgent", dialect.flag(urgent)));
      for (Map.Entry<String, AddressListEntry> e : list.entrySet()) {
        Map<String, Object> row = entryParams(version, e.getKey(), e.getValue());
        chain = chain.compose(n -> update(conn, INSERT_ENTRY, row));
      }
      return chain.map(n -> new AddressListPublication(scope, version, at, urgent, list));
    }));
  }

  @Override
  public Future<List<AddressListPublication>> latest() {
    return queryAll(pool, SELECT_LATEST, row -> row, Map.of()).compose(heads -> {
      List<Future<AddressListPublication>> lists = heads.stream().map(this::withEntries).toList();
      return Future.all(lists).map(all -> lists.stream().map(Future::result).toList());
    });
  }

  @Override
  public Future<Map<String, AddressListEntry>> entriesAt(AddressListScope scope, long version) {
    return entries(pool, SELECT_ENTRIES_AT, Map.of("scope", scope.wireName(), "version", version));
  }

  @Override
  public Future<Long> regrouped(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    return pool.<Long>withTransaction(conn -> nextVersion(conn).compose(version ->
            update(conn, UPSERT_MARK, Map.of("deviceId", deviceId, "version", version)).map(n -> version)))
        .recover(e -> Future.failedFuture(dialect.isForeignKeyViolation(e)
            ? new Refusal.NotFound("device " + deviceId + " does not exist")
            : e));
  }

  @Override
  public Future<Map<String, Long>> regroupMarks() {
    return queryAll(pool, SELECT_MARKS, row -> Map.entry(row.getString("device_id"), row.getLong("version")), Map.of())
        .map(rows -> {
          Map<String, Long> marks = new HashMap<>();
          rows.forEach(e -> marks.put(e.getKey(), e.getValue()));
          return marks;
        });
  }

  /** Increments the counter (the transaction's first statement, a write) and reads the version it reached. */
  private static Future<Long> nextVersion(SqlClient conn) {
    return queryOne(conn, NEXT_VERSION, row -> row.getLong("last_version"), Map.of())
        .map(v -> v.orElseThrow(() -> new StoreException("address_list_counter has no row (V11 not applied?)")));
  }

  private Future<AddressListPublication> withEntries(Row head) {
    long version = head.getLong("version");
    return entries(pool, SELECT_ENTRIES, Map.of("version", version)).map(entries -> new AddressListPublication(
        AddressListScope.parse(head.getString("scope")), version, instant(head, "published_at"),
        flag(head, "urgent"), entries));
  }

  private Future<Map<String, AddressListEntry>> entries(SqlClient client, String sql, Map<String, Object> params) {
    return queryAll(client, sql, row -> Map.entry(row.getString("server_id"), toEntry(row)), params).map(rows -> {
      Map<String, AddressListEntry> out = new HashMap<>();
      rows.forEach(e -> out.put(e.getKey(), e.getValue()));
      return out;
    });
  }

  private static AddressListEntry toEntry(Row row) {
    String pins = row.getString("pins");
    return new AddressListEntry(row.getString("url"), pins == null ? List.of() : Arrays.asList(pins.split(" ")),
        flag(row, "web_pki"));
  }

  private Map<String, Object> entryParams(long version, String serverId, AddressListEntry entry) {
    Map<String, Object> p = new HashMap<>();
    p.put("version", version);
    p.put("serverId", serverId);
    p.put("url", entry.url());
    p.put("pins", entry.pins().isEmpty() ? null : String.join(" ", entry.pins()));
    p.put("webPki", dialect.flag(entry.webPki()));
    return p;
  }
}
