package io.homeport.store.sql;

import static io.homeport.store.sql.SqlRows.instant;

import io.homeport.event.StoredEvent;
import io.vertx.sqlclient.Row;
import java.util.HashMap;
import java.util.Map;

/**
 * The event repository's reads, prunes, parameters and row mapping, shared by the SQLite and PostgreSQL
 * adapters; how an append numbers its events is each store's own (SQLite's AUTOINCREMENT, PostgreSQL's
 * counter row).
 */
public final class EventStatements {
  private EventStatements() {}

  public static final String READ_AFTER =
      "SELECT id, type, time, device_id, data FROM events WHERE id > #{after} ORDER BY id LIMIT #{limit}";
  public static final String PRUNE_OLDER =
      "DELETE FROM events WHERE id IN (SELECT id FROM events WHERE time < #{cutoff} ORDER BY time LIMIT #{limit})";
  public static final String PRUNE_TO_COUNT =
      "DELETE FROM events WHERE id IN (SELECT id FROM events "
          + "WHERE id <= (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET #{keep}) "
          + "ORDER BY id LIMIT #{limit})";

  /** The event's columns as template parameters: {@code id}, {@code type}, {@code time}, {@code deviceId}, {@code data}. */
  public static Map<String, Object> params(StoredEvent e) {
    Map<String, Object> p = new HashMap<>(8);
    p.put("id", e.id());
    p.put("type", e.type());
    p.put("time", e.time().toEpochMilli());
    p.put("deviceId", e.deviceId());
    p.put("data", e.data());
    return p;
  }

  public static StoredEvent toEvent(Row row) {
    return new StoredEvent(row.getLong("id"), row.getString("type"), instant(row, "time"),
        row.getString("device_id"), row.getString("data"));
  }

  /** The events after {@code afterId}, oldest first, at most {@code limit}: both stores read them alike. */
  public static io.vertx.core.Future<java.util.List<StoredEvent>> readAfter(io.vertx.sqlclient.SqlClient client,
      long afterId, int limit) {
    if (afterId < 0 || limit < 0) {
      return io.vertx.core.Future.failedFuture(new IllegalArgumentException(
          "afterId and limit must be >= 0, got afterId " + afterId + ", limit " + limit));
    }
    if (limit == 0) {
      return io.vertx.core.Future.succeededFuture(java.util.List.of());
    }
    return SqlRows.queryAll(client, READ_AFTER, EventStatements::toEvent, Map.of("after", afterId, "limit", limit));
  }
}
