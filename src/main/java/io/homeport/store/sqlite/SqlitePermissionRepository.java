package io.homeport.store.sqlite;

import static io.homeport.store.sqlite.SqlSupport.queryAll;
import static io.homeport.store.sqlite.SqlSupport.queryOne;
import static io.homeport.store.sqlite.SqlSupport.sqlMessage;
import static io.homeport.store.sqlite.SqlSupport.update;

import io.homeport.refusal.Refusal;
import io.homeport.rendezvous.PermissionList;
import io.homeport.rendezvous.PermissionRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link PermissionRepository} on SQLite, through the pool: lists change when an operator or a device
 * edits one, far from any hot path. A replacement starts with its delete (the rule of {@link
 * SqliteStore}: a writing transaction starts with a write).
 */
final class SqlitePermissionRepository implements PermissionRepository {
  private static final String SELECT_MODE = "SELECT mode FROM permission_lists WHERE device_id = #{deviceId}";
  private static final String SELECT_ENTRIES =
      "SELECT allowed_id FROM permission_entries WHERE device_id = #{deviceId} ORDER BY position";
  private static final String DELETE_LIST = "DELETE FROM permission_lists WHERE device_id = #{deviceId}";
  private static final String INSERT_LIST = "INSERT INTO permission_lists (device_id, mode) VALUES (#{deviceId}, #{mode})";
  private static final String INSERT_ENTRY = "INSERT INTO permission_entries (device_id, position, allowed_id) "
      + "VALUES (#{deviceId}, #{position}, #{allowedId})";

  private final Pool pool;

  SqlitePermissionRepository(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Optional<PermissionList>> find(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    Map<String, Object> p = Map.of("deviceId", deviceId);
    return queryOne(pool, SELECT_MODE, row -> PermissionList.Mode.valueOf(row.getString("mode")), p)
        .compose(mode -> mode.isEmpty() ? Future.succeededFuture(Optional.<PermissionList>empty())
            : queryAll(pool, SELECT_ENTRIES, row -> row.getString("allowed_id"), p)
                .map(allow -> Optional.of(new PermissionList(mode.get(), allow))));
  }

  @Override
  public Future<Void> replace(String deviceId, PermissionList list) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(list, "list");
    List<String> allow = list.allow();
    return pool.<Void>withTransaction(conn -> {
      Future<Integer> chain = update(conn, DELETE_LIST, Map.of("deviceId", deviceId))
          .compose(n -> update(conn, INSERT_LIST, Map.of("deviceId", deviceId, "mode", list.mode().name())));
      for (int i = 0; i < allow.size(); i++) {
        Map<String, Object> entry = Map.of("deviceId", deviceId, "position", i, "allowedId", allow.get(i));
        chain = chain.compose(n -> update(conn, INSERT_ENTRY, entry));
      }
      return chain.mapEmpty();
    }).recover(e -> Future.failedFuture(String.valueOf(sqlMessage(e)).contains("FOREIGN KEY constraint failed")
        ? new Refusal.NotFound("device " + deviceId + " or a device its list names does not exist")
        : e));
  }
}
