package io.homeport.store.sqlite;

import io.homeport.store.StoreException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.vertx.sqlclient.templates.RowMapper;

/** Row and error helpers shared by the SQLite repositories. */
final class SqlSupport {
  private SqlSupport() {}

  /**
   * A row's values by column name, whether it came from the pool (a Vert.x {@link Row}, {@code
   * row::getValue}) or from the writer's JDBC statements, so one mapper serves both.
   */
  @FunctionalInterface
  interface Columns {
    Object value(String column);
  }

  /** Completes a promise of the store's own threads on the caller's context (at once when there is none). */
  static <T> void complete(Context caller, Promise<T> promise, T result, Throwable failure) {
    if (caller == null) {
      completeNow(promise, result, failure);
    } else {
      caller.runOnContext(v -> completeNow(promise, result, failure));
    }
  }

  private static <T> void completeNow(Promise<T> promise, T result, Throwable failure) {
    if (failure == null) {
      promise.complete(result);
    } else {
      promise.fail(failure);
    }
  }

  static String sqlMessage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return t.getMessage();
      }
    }
    return failure.getMessage();
  }

  static Future<Integer> update(SqlClient client, String sql, Map<String, Object> params) {
    return SqlTemplate.forUpdate(client, sql).execute(params).map(result -> result.rowCount());
  }

  static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  static Instant instant(Row row, String column) {
    return instant(row::getValue, column);
  }

  static Instant instant(Columns row, String column) {
    Object value = row.value(column);
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return Instant.ofEpochMilli(number.longValue());
    }
    throw new StoreException("column " + column + " holds " + value.getClass().getSimpleName() + ", not epoch millis");
  }

  static <T> Optional<T> first(RowSet<T> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  static <T> List<T> all(RowSet<T> rows) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return List.copyOf(list);
  }

  static byte[] bytes(Row row, String column) {
    return bytes(row::getValue, column);
  }

  static byte[] bytes(Columns row, String column) {
    Object value = row.value(column);
    if (value == null) {
      return null;
    }
    if (value instanceof Buffer buffer) {
      return buffer.getBytes();
    }
    if (value instanceof byte[] array) {
      return array.clone();
    }
    throw new StoreException("column " + column + " holds " + value.getClass().getSimpleName() + ", not bytes");
  }

  /** Runs a query and maps its rows; the first, if any. */
  static <T> Future<Optional<T>> queryOne(SqlClient client, String sql, RowMapper<T> mapper,
      Map<String, Object> params) {
    return SqlTemplate.forQuery(client, sql).mapTo(mapper).execute(params).map(SqlSupport::first);
  }

  /** Runs a query and maps every row, in the query's order. */
  static <T> Future<List<T>> queryAll(SqlClient client, String sql, RowMapper<T> mapper,
      Map<String, Object> params) {
    return SqlTemplate.forQuery(client, sql).mapTo(mapper).execute(params).map(SqlSupport::all);
  }
}
