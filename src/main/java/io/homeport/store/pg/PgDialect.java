package io.homeport.store.pg;

import io.homeport.store.sql.SqlDialect;
import io.vertx.pgclient.PgException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PostgreSQL for the shared SQL repositories: constraint failures are told by their SQLSTATE. */
final class PgDialect implements SqlDialect {
  static final PgDialect INSTANCE = new PgDialect();

  private static final String UNIQUE_VIOLATION = "23505";
  private static final String FOREIGN_KEY_VIOLATION = "23503";
  /** The detail of a unique violation names the key's columns: {@code Key (name)=(x) already exists.} */
  private static final Pattern KEY_COLUMN = Pattern.compile("Key \\((\\w+)");

  private PgDialect() {}

  @Override
  public Optional<String> uniqueViolation(Throwable failure) {
    return pgException(failure, UNIQUE_VIOLATION).flatMap(e -> {
      Matcher m = KEY_COLUMN.matcher(String.valueOf(e.getDetail()));
      return m.find() ? Optional.of(e.getTable() + "." + m.group(1)) : Optional.empty();
    });
  }

  @Override
  public boolean isForeignKeyViolation(Throwable failure) {
    return pgException(failure, FOREIGN_KEY_VIOLATION).isPresent();
  }

  @Override
  public Object flag(boolean value) {
    return value;
  }

  /** The parameter is bound as text and cast: bound as json, a Java string would be a JSON string. */
  @Override
  public String jsonArrayElements(String parameter) {
    return "SELECT json_array_elements_text(CAST(CAST(#{" + parameter + "} AS text) AS json))";
  }

  private static Optional<PgException> pgException(Throwable failure, String sqlState) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof PgException pg && sqlState.equals(pg.getSqlState())) {
        return Optional.of(pg);
      }
    }
    return Optional.empty();
  }
}
