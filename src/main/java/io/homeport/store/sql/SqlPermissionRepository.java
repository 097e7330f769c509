package io.homeport.store.sql;

import static io.homeport.store.sql.SqlRows.queryAll;
import static io.homeport.store.sql.SqlRows.queryOne;
import static io.homeport.store.sql.SqlRows.update;

import io.homeport.refusal.Refusal;
import io.homeport.rendezvous.PermissionList;
import io.homeport.rendezvous.PermissionRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PermissionRepository} on either SQL store, through its pool: lists change when an operator or a
 * device edits one, far from any hot path. A replacement is one transaction starting with a write of the
 * list's own row (on SQLite a writing transaction must start with a write, see {@code SqliteStore}). A list's {@code maxDuration} is a column
 * of whole seconds (V9).
 */
public final class SqlPermissionRepository implements PermissionRepository {
  private static final String SELECT_LIST =
      "SELECT mode, max_duration_seconds FROM permission_lists WHERE device_id = #{deviceId}";
  private static final String SELECT_ENTRIES =
      "SELECT allowed_id FROM permission_entries WHERE device_id = #{deviceId} ORDER BY position";
  /**
   * The list's own row, written first: on PostgreSQL its row lock then queues a concurrent replacement of
   * the same list until this one commits, so the next one's delete sees these entries (deleting the row
   * first would let both delete nothing and the second fail on the first's new row).
   */
  private static final String UPSERT_LIST = "INSERT INTO permission_lists (device_id, mode, max_duration_seconds) "
      + "VALUES (#{deviceId}, #{mode}, #{maxDurationSeconds}) ON CONFLICT (device_id) DO UPDATE "
      + "SET mode = excluded.mode, max_duration_seconds = excluded.max_duration_seconds";
  private static final String DELETE_ENTRIES = "DELETE FROM permission_entries WHERE device_id = #{deviceId}";
  private static final String INSERT_ENTRY = "INSERT INTO permission_entries (device_id, position, allowed_id) "
      + "VALUES (#{deviceId}, #{position}, #{allowedId})";

  private final Pool pool;
  private final SqlDialect dialect;

  public SqlPermissionRepository(Pool pool, SqlDialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  @Override
  public Future<Optional<PermissionList>> find(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    Map<String, Object> p = Map.of("deviceId", deviceId);
    return queryOne(pool, SELECT_LIST, SqlPermissionRepository::toHead, p)
        .compose(head -> head.isEmpty() ? Future.succeededFuture(Optional.<PermissionList>empty())
            : queryAll(pool, SELECT_ENTRIES, row -> row.getString("allowed_id"), p)
                .map(allow -> Optional.of(new PermissionList(head.get().mode(), allow, head.get().maxDuration()))));
  }

  @Override
  public Future<Void> replace(String deviceId, PermissionList list) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(list, "list");
    if (list.maxDuration() != null && list.maxDuration().getNano() != 0) {
      throw new IllegalArgumentException("maxDuration must be whole seconds: " + list.maxDuration());
    }
    List<String> allow = list.allow();
    return pool.<Void>withTransaction(conn -> {
      Future<Integer> chain = update(conn, UPSERT_LIST, listParams(deviceId, list))
          .compose(n -> update(conn, DELETE_ENTRIES, Map.of("deviceId", deviceId)));
      for (int i = 0; i < allow.size(); i++) {
        Map<String, Object> entry = Map.of("deviceId", deviceId, "position", i, "allowedId", allow.get(i));
        chain = chain.compose(n -> update(conn, INSERT_ENTRY, entry));
      }
      return chain.mapEmpty();
    }).recover(e -> Future.failedFuture(dialect.isForeignKeyViolation(e)
        ? new Refusal.NotFound("device " + deviceId + " or a device its list names does not exist")
        : e));
  }

  /** The list's own row: its mode and its maximum in seconds, NULL for none. */
  private static Map<String, Object> listParams(String deviceId, PermissionList list) {
    Map<String, Object> p = new HashMap<>();
    p.put("deviceId", deviceId);
    p.put("mode", list.mode().name());
    p.put("maxDurationSeconds", list.maxDuration() == null ? null : list.maxDuration().toSeconds());
    return p;
  }

  private static Head toHead(Row row) {
    Long seconds = row.getLong("max_duration_seconds");
    return new Head(PermissionList.Mode.valueOf(row.getString("mode")),
        seconds == null ? null : Duration.ofSeconds(seconds));
  }

  /** What the list's own row holds, before its entries are read. */
  private record Head(PermissionList.Mode mode, Duration maxDuration) {}
}
