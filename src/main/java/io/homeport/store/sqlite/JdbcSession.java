package io.homeport.store.sqlite;

import io.homeport.store.StoreException;
import io.homeport.store.sql.SqlRows;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A connection of the store's own threads ({@link GroupCommitWriter}, {@link JdbcReaders}): the
 * repositories' SQL with {@code #{name}} parameters (the SqlTemplate form of the pool's statements), run
 * as JDBC prepared statements that stay open for the next call. Used by one thread at a time.
 */
final class JdbcSession {
  private static final Pattern PARAMETER = Pattern.compile("#\\{(\\w+)}");

  private record Prepared(PreparedStatement statement, List<String> names) {}

  private final Connection connection;
  private final Map<String, Prepared> prepared = new HashMap<>();

  JdbcSession(Connection connection) {
    this.connection = connection;
  }

  Connection connection() {
    return connection;
  }

  /** Runs a writing statement; how many rows it changed. */
  int update(String sql, Map<String, Object> params) throws SQLException {
    return bind(sql, params).executeUpdate();
  }

  /** Runs the statement once per parameter set, as one JDBC batch. */
  void batch(String sql, List<Map<String, Object>> rows) throws SQLException {
    PreparedStatement statement = null;
    for (Map<String, Object> row : rows) {
      statement = bind(sql, row);
      statement.addBatch();
    }
    if (statement != null) {
      statement.executeBatch();
    }
  }

  /** Runs a query or an {@code UPDATE ... RETURNING} and maps every row it gives, in its order. */
  <T> List<T> query(String sql, Map<String, Object> params, Function<SqlRows.Columns, T> mapper)
      throws SQLException {
    try (ResultSet rows = bind(sql, params).executeQuery()) {
      SqlRows.Columns columns = column -> {
        try {
          return rows.getObject(column);
        } catch (SQLException e) {
          throw new StoreException("cannot read column " + column + ": " + e.getMessage(), e);
        }
      };
      List<T> result = new ArrayList<>();
      while (rows.next()) {
        result.add(mapper.apply(columns));
      }
      return result;
    }
  }

  void commit() throws SQLException {
    connection.commit();
  }

  /** Closes the statements and the connection (which rolls back whatever is not committed). */
  void close() {
    for (Prepared p : prepared.values()) {
      try {
        p.statement().close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
    prepared.clear();
    try {
      connection.close();
    } catch (SQLException ignored) {
      // nothing more to do with it
    }
  }

  private PreparedStatement bind(String sql, Map<String, Object> params) throws SQLException {
    Prepared p = prepared.get(sql);
    if (p == null) {
      List<String> names = new ArrayList<>();
      Matcher m = PARAMETER.matcher(sql);
      StringBuilder jdbc = new StringBuilder();
      while (m.find()) {
        names.add(m.group(1));
        m.appendReplacement(jdbc, "?");
      }
      m.appendTail(jdbc);
      p = new Prepared(connection.prepareStatement(jdbc.toString()), List.copyOf(names));
      prepared.put(sql, p);
    }
    for (int i = 0; i < p.names().size(); i++) {
      String name = p.names().get(i);
      if (!params.containsKey(name)) {
        throw new IllegalArgumentException("no value for parameter " + name);
      }
      p.statement().setObject(i + 1, params.get(name));
    }
    return p.statement();
  }
}
