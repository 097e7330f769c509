package io.homeport.store.sql;

import io.homeport.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.templates.RowMapper;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Row mapping and template helpers of the SQL stores (SQLite and PostgreSQL). Both keep instants as
 * epoch milliseconds and bytes as BLOB / BYTEA, so one mapper reads a row of either; flags are 0/1 on
 * SQLite and BOOLEAN on PostgreSQL, and {@link #flag} reads both.
 */
public final class SqlRows {
  private SqlRows() {}

  /**
   * A row's values by column name, whether it came from a Vert.x pool ({@code row::getValue}) or from
   * the SQLite store's own JDBC statements, so one mapper serves both.
   */
  @FunctionalInterface
  public interface Columns {
    Object value(String column);
  }

  public static Future<Integer> update(SqlClient client, String sql, Map<String, Object> params) {
    return SqlTemplate.forUpdate(client, sql).execute(params).map(result -> result.rowCount());
  }

  /** Runs a query and maps its rows; the first, if any. */
  public static <T> Future<Optional<T>> queryOne(SqlClient client, String sql, RowMapper<T> mapper,
      Map<String, Object> params) {
    return SqlTemplate.forQuery(client, sql).mapTo(mapper).execute(params).map(SqlRows::first);
  }

  /** Runs a query and maps every row, in the query's order. */
  public static <T> Future<List<T>> queryAll(SqlClient client, String sql, RowMapper<T> mapper,
      Map<String, Object> params) {
    return SqlTemplate.forQuery(client, sql).mapTo(mapper).execute(params).map(SqlRows::all);
  }

  public static <T> Optional<T> first(RowSet<T> rows) {
    var it = rows.iterator();
    return it.hasNext() ? Optional.of(it.next()) : Optional.empty();
  }

  public static <T> List<T> all(RowSet<T> rows) {
    List<T> list = new ArrayList<>(rows.size());
    rows.forEach(list::add);
    return List.copyOf(list);
  }

  public static Long millis(Instant instant) {
    return instant == null ? null : instant.toEpochMilli();
  }

  public static Instant instant(Row row, String column) {
    return instant(row::getValue, column);
  }

  public static Instant instant(Columns row, String column) {
    Object value = row.value(column);
    if (value == null) {
      return null;
    }
    if (value instanceof Number number) {
      return Instant.ofEpochMilli(number.longValue());
    }
    throw new StoreException("column " + column + " holds " + value.getClass().getSimpleName() + ", not epoch millis");
  }

  public static byte[] bytes(Row row, String column) {
    return bytes(row::getValue, column);
  }

  public static byte[] bytes(Columns row, String column) {
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

  /** A NOT NULL number column. */
  public static long number(Columns row, String column) {
    Object value = row.value(column);
    if (value instanceof Number number) {
      return number.longValue();
    }
    String held = value == null ? "NULL" : value.getClass().getSimpleName();
    throw new StoreException("column " + column + " holds " + held + ", not a number");
  }

  /** A NOT NULL flag: BOOLEAN on PostgreSQL, 0 or 1 on SQLite. */
  public static boolean flag(Row row, String column) {
    return flag(row::getValue, column);
  }

  public static boolean flag(Columns row, String column) {
    Object value = row.value(column);
    if (value instanceof Boolean b) {
      return b;
    }
    return number(row, column) != 0;
  }
}
