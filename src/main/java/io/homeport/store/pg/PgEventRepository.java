package io.homeport.store.pg;

import static io.homeport.store.sql.SqlRows.queryOne;
import static io.homeport.store.sql.SqlRows.update;

import io.homeport.event.EventRepository;
import io.homeport.event.StoredEvent;
import io.homeport.store.StoreException;
import io.homeport.store.sql.EventStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@link EventRepository} on PostgreSQL. Ids come from the counter row of V4, not from a sequence: an
 * append's first statement adds the number of its events to the counter ({@code UPDATE ... RETURNING}),
 * and the row's lock, held to the commit, makes concurrent appends commit one after the other in the
 * order of their ids. A reader resuming after an id therefore never misses an event that commits later
 * with a smaller one (which a sequence allows), and pruning never lowers the greatest id.
 */
final class PgEventRepository implements EventRepository {

  private static final String RESERVE_IDS =
      "UPDATE event_counter SET last_id = last_id + #{n} WHERE id = 1 RETURNING last_id";
  private static final String INSERT =
      "INSERT INTO events (id, type, time, device_id, data) VALUES (#{id}, #{type}, #{time}, #{deviceId}, #{data})";
  private static final String LATEST_ID = "SELECT last_id FROM event_counter WHERE id = 1";

  private final Pool pool;

  PgEventRepository(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<StoredEvent>> append(List<StoredEvent> events) {
    Objects.requireNonNull(events, "events");
    events.forEach(e -> Objects.requireNonNull(e, "events contains null"));
    if (events.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<StoredEvent> toStore = List.copyOf(events);
    return pool.withTransaction(conn -> lastId(conn, RESERVE_IDS, Map.of("n", (long) toStore.size()))
        .compose(last -> {
          List<StoredEvent> stored = new ArrayList<>(toStore.size());
          List<Map<String, Object>> rows = new ArrayList<>(toStore.size());
          long first = last - toStore.size() + 1;
          for (int i = 0; i < toStore.size(); i++) {
            StoredEvent event = toStore.get(i).withId(first + i);
            stored.add(event);
            rows.add(EventStatements.params(event));
          }
          return SqlTemplate.forUpdate(conn, INSERT).executeBatch(rows).map(done -> List.copyOf(stored));
        }));
  }

  @Override
  public Future<List<StoredEvent>> readAfter(long afterId, int limit) {
    return EventStatements.readAfter(pool, afterId, limit);
  }

  @Override
  public Future<Long> latestId() {
    return lastId(pool, LATEST_ID, Map.of());
  }

  private static Future<Long> lastId(SqlClient client, String sql, Map<String, Object> params) {
    return queryOne(client, sql, row -> row.getLong("last_id"), params)
        .map(last -> last.orElseThrow(() -> new StoreException("event_counter has no row (V4 not applied?)")));
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
    return update(pool, EventStatements.PRUNE_OLDER, Map.of("cutoff", cutoff.toEpochMilli(), "limit", limit));
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
    return update(pool, EventStatements.PRUNE_TO_COUNT, Map.of("keep", keep, "limit", limit));
  }
}
