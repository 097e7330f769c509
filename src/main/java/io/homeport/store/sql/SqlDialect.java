package io.homeport.store.sql;

import java.util.Optional;

/**
 * What the repositories shared by the SQL stores ({@code store.sql}) need to know about the database
 * they run on: how it reports a violated constraint, how it stores a flag, and how it expands a JSON
 * array into rows. Everything else in their SQL is common to SQLite and PostgreSQL.
 */
public interface SqlDialect {

  /**
   * The column a failed insert or update found taken, as {@code table.column} (the first column of the
   * unique key); empty when the failure is not a unique violation.
   */
  Optional<String> uniqueViolation(Throwable failure);

  /** True when the failure is a violated foreign key (a row names one that does not exist). */
  boolean isForeignKeyViolation(Throwable failure);

  /** The parameter value of a flag column: 0/1 on SQLite, a BOOLEAN on PostgreSQL. */
  Object flag(boolean value);

  /** A sub-select giving the strings of the JSON array in the template parameter {@code parameter}. */
  String jsonArrayElements(String parameter);
}
