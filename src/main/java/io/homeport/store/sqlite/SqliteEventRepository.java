package io.homeport.store.sqlite;


import io.homeport.event.StoredEvent;
import io.homeport.event.EventRepository;
import io.homeport.store.StoreException;
import io.homeport.store.sql.EventStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link EventRepository} on SQLite. Appends and prunes go through the store's {@link GroupCommitWriter},
 * so the event log's batches share transactions with the command transitions written at the same time.
 * An append starts with its inserts (one JDBC batch) in a savepoint of its own, so the transaction holds
 * the write lock (the rule of {@link SqliteStore}) and a failed append leaves none of its rows; it then
 * reads back the ids it was given: the newest {@code n} rows of the table, since only the writer inserts,
 * one write at a time, and AUTOINCREMENT gives every row an id above all earlier ones.
 */
final class SqliteEventRepository implements EventRepository {

  private static final String INSERT =
      "INSERT INTO events (type, time, device_id, data) VALUES (#{type}, #{time}, #{deviceId}, #{data})";
  private static final String NEWEST_IDS = "SELECT id FROM events ORDER BY id DESC LIMIT #{n}";
  private static final String LATEST_ID = "SELECT seq FROM sqlite_sequence WHERE name = 'events'";

  private final Pool pool;
  private final GroupCommitWriter writer;

  SqliteEventRepository(Pool pool, GroupCommitWriter writer) {
    this.pool = pool;
    this.writer = writer;
  }

  @Override
  public Future<List<StoredEvent>> append(List<StoredEvent> events) {
    Objects.requireNonNull(events, "events");
    List<Map<String, Object>> rows = new ArrayList<>(events.size());
    for (StoredEvent e : events) {
      Objects.requireNonNull(e, "events contains null");
      rows.add(EventStatements.params(e));
    }
    if (rows.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    return writer.write(session -> {
          session.batch(INSERT, rows);
          List<Long> idRows = session.query(NEWEST_IDS, Map.of("n", rows.size()),
              row -> ((Number) row.value("id")).longValue());
          long[] ids = new long[rows.size()];
          int i = ids.length;
          for (Long id : idRows) {
            ids[--i] = id;
          }
          if (i != 0) {
            throw new StoreException("appended " + rows.size() + " events but found " + (rows.size() - i) + " ids");
          }
          List<StoredEvent> stored = new ArrayList<>(ids.length);
          for (int k = 0; k < ids.length; k++) {
            stored.add(events.get(k).withId(ids[k]));
          }
          return List.copyOf(stored);
        });
  }

  @Override
  public Future<List<StoredEvent>> readAfter(long afterId, int limit) {
    return EventStatements.readAfter(pool, afterId, limit);
  }

  @Override
  public Future<Long> latestId() {
    return pool.query(LATEST_ID).execute().map(rows -> {
      var it = rows.iterator();
      return it.hasNext() ? it.next().getLong(0) : 0L;
    });
  }

  @Override
  public Future<Integer> pruneOlderThan(Instant cutoff, int limit) {
    Objects.requireNonNull(cutoff, "cutoff");
    if (limit < 0) {
      return Future.failedFuture(new IllegalArgumentException("limit must be >= 0: " + limit));
    }
    if (limit == 0) {
      return Future.succeededFuture(0);
    }
    return writer.write(session -> session.update(EventStatements.PRUNE_OLDER, Map.of("cutoff", cutoff.toEpochMilli(), "limit", limit)));
  }

  @Override
  public Future<Integer> pruneToCount(long keep, int limit) {
    if (keep < 0 || limit < 0) {
      return Future.failedFuture(new IllegalArgumentException(
          "keep and limit must be >= 0, got keep " + keep + ", limit " + limit));
    }
    if (limit == 0) {
      return Future.succeededFuture(0);
    }
    return writer.write(session -> session.update(EventStatements.PRUNE_TO_COUNT, Map.of("keep", keep, "limit", limit)));
  }
}
