package io.homeport.store.sqlite;

import io.homeport.store.sql.SqlDialect;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** SQLite for the shared SQL repositories: constraint failures are told by sqlite-jdbc's messages. */
final class SqliteDialect implements SqlDialect {
  static final SqliteDialect INSTANCE = new SqliteDialect();

  /** SQLite's message for a violated UNIQUE or PRIMARY KEY constraint names table and column. */
  private static final Pattern UNIQUE_VIOLATION = Pattern.compile("UNIQUE constraint failed: (\\w+\\.\\w+)");

  private SqliteDialect() {}

  @Override
  public Optional<String> uniqueViolation(Throwable failure) {
    Matcher m = UNIQUE_VIOLATION.matcher(String.valueOf(SqlSupport.sqlMessage(failure)));
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  @Override
  public boolean isForeignKeyViolation(Throwable failure) {
    return String.valueOf(SqlSupport.sqlMessage(failure)).contains("FOREIGN KEY constraint failed");
  }

  /** SQLite has no boolean type: flags are INTEGER columns checked to be 0 or 1. */
  @Override
  public Object flag(boolean value) {
    return value ? 1 : 0;
  }

  @Override
  public String jsonArrayElements(String parameter) {
    return "SELECT value FROM json_each(#{" + parameter + "})";
  }
}
