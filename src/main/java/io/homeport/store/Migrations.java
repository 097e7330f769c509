package io.homeport.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations for one SQL dialect, applied through a Vert.x {@link Pool}.
 *
 * <p>The scripts of a dialect live in the class path folder {@code db/migration/<dialect>/}, named
 * {@code V<version>__<description>.sql}; the file {@code db/migration/<dialect>/index.txt} lists
 * them, one file name per line ({@code #} starts a comment). An explicit index works the same from a
 * directory, the shaded jar or any other class loader; a test checks that it names every script in
 * the folder. Versions must be 1, 2, 3, ... without gaps.
 *
 * <p>{@link #apply(Pool)} creates {@code schema_version(version, description, applied_at)} when
 * missing, then applies every script the database has not seen, in version order, each in its own
 * transaction that also records its version (so a failing script leaves neither half of its
 * statements nor its version row behind). It refuses a database whose newest version is newer than
 * the newest script known here: an older Homeport must not run against a schema it does not know.
 *
 * <p>Only portable SQL is used by the runner itself, so a PostgreSQL store can use it unchanged with
 * its own folder ({@code db/migration/postgresql/}).
 *
 * <p>Script syntax: statements are separated by {@code ;}. Semicolons inside single-quoted strings,
 * double-quoted identifiers, {@code --} line comments and {@code /* *}{@code /} block comments are
 * ignored. Statements that contain semicolons themselves (trigger bodies, dollar-quoted PL/pgSQL)
 * are not supported by this splitter.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  /** The version table, in SQL that SQLite and PostgreSQL both accept. */
  static final String CREATE_VERSION_TABLE =
      "CREATE TABLE IF NOT EXISTS schema_version ("
          + "version INTEGER PRIMARY KEY NOT NULL, "
          + "description TEXT NOT NULL, "
          + "applied_at BIGINT NOT NULL)";

  private static final Pattern FILE_NAME = Pattern.compile("V([1-9][0-9]*)__([A-Za-z0-9_]+)\\.sql");

  /**
   * One migration script.
   *
   * @param version the schema version the script produces
   * @param description human-readable name, from the file name with {@code _} read as a space
   * @param statements the SQL statements, in order, without the terminating semicolons
   */
  public record Migration(int version, String description, List<String> statements) {
    public Migration {
      if (version < 1) {
        throw new IllegalArgumentException("migration version must be >= 1: " + version);
      }
      Objects.requireNonNull(description, "description");
      statements = List.copyOf(statements);
      if (statements.isEmpty()) {
        throw new IllegalArgumentException("migration V" + version + " has no statements");
      }
    }
  }

  private final String name;
  private final List<Migration> migrations;
  private final LongSupplier clock;

  private Migrations(String name, List<Migration> migrations, LongSupplier clock) {
    this.name = name;
    List<Migration> sorted = new ArrayList<>(migrations);
    sorted.sort(Comparator.comparingInt(Migration::version));
    for (int i = 0; i < sorted.size(); i++) {
      if (sorted.get(i).version() != i + 1) {
        throw new IllegalArgumentException(
            name + " migrations must be numbered 1.." + sorted.size() + " without gaps or duplicates, found V"
                + sorted.get(i).version() + " at position " + (i + 1));
      }
    }
    this.migrations = List.copyOf(sorted);
    this.clock = clock;
  }

  /** Migrations given in code (tests, tools); {@code name} is used in messages. */
  public static Migrations of(String name, List<Migration> migrations) {
    return new Migrations(name, migrations, System::currentTimeMillis);
  }

  /**
   * Reads the scripts of {@code dialect} from the class path, on a worker thread.
   *
   * @return fails with {@link StoreException} when the index or a script is missing or malformed
   */
  public static Future<Migrations> load(Vertx vertx, String dialect) {
    ClassLoader loader = Migrations.class.getClassLoader();
    return vertx.executeBlocking(() -> loadBlocking(loader, dialect), false);
  }

  /** Reads the scripts of {@code dialect} from {@code loader}; blocking, never call it on an event loop. */
  public static Migrations loadBlocking(ClassLoader loader, String dialect) {
    if (!dialect.matches("[a-z0-9_]+")) {
      throw new IllegalArgumentException("bad dialect name: " + dialect);
    }
    String folder = "db/migration/" + dialect + "/";
    String index = read(loader, folder + "index.txt");
    List<Migration> migrations = new ArrayList<>();
    for (String line : index.split("\n")) {
      String fileName = line.strip();
      if (fileName.isEmpty() || fileName.startsWith("#")) {
        continue;
      }
      Matcher m = FILE_NAME.matcher(fileName);
      if (!m.matches()) {
        throw new StoreException(
            "bad migration file name in " + folder + "index.txt: '" + fileName + "' (expected V<n>__<description>.sql)");
      }
      List<String> statements = splitStatements(read(loader, folder + fileName));
      if (statements.isEmpty()) {
        throw new StoreException("migration " + folder + fileName + " contains no statement");
      }
      migrations.add(new Migration(Integer.parseInt(m.group(1)), m.group(2).replace('_', ' '), statements));
    }
    try {
      return new Migrations(dialect, migrations, System::currentTimeMillis);
    } catch (IllegalArgumentException e) {
      throw new StoreException(e.getMessage(), e);
    }
  }

  private static String read(ClassLoader loader, String resource) {
    try (InputStream in = loader.getResourceAsStream(resource)) {
      if (in == null) {
        throw new StoreException("migration resource not found on the class path: " + resource);
      }
      StringBuilder text = new StringBuilder();
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          text.append(line).append('\n');
        }
      }
      return text.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /** Same migrations, with a different source of {@code applied_at} (epoch millis). */
  public Migrations withClock(LongSupplier epochMillis) {
    return new Migrations(name, migrations, epochMillis);
  }

  public List<Migration> migrations() {
    return migrations;
  }

  /** The version a database has once every migration here is applied (0 when there is none). */
  public int latestVersion() {
    return migrations.isEmpty() ? 0 : migrations.get(migrations.size() - 1).version();
  }

  /**
   * Brings the database behind {@code pool} to {@link #latestVersion()}.
   *
   * @return the schema version afterwards; fails with {@link StoreException} when the database is newer
   *     than these migrations or a script fails (earlier scripts stay applied, the failing one is rolled
   *     back)
   */
  public Future<Integer> apply(Pool pool) {
    return pool.query(CREATE_VERSION_TABLE).execute()
        .compose(v -> appliedVersions(pool))
        .compose(applied -> {
          int current = applied.isEmpty() ? 0 : applied.get(applied.size() - 1);
          if (current > latestVersion()) {
            return Future.failedFuture(new StoreException(
                "the " + name + " database has schema version " + current + ", newer than version "
                    + latestVersion() + " that this Homeport knows; run a newer Homeport or restore a backup"));
          }
          Future<Void> chain = Future.succeededFuture();
          for (Migration migration : migrations) {
            if (!applied.contains(migration.version())) {
              chain = chain.compose(v -> applyOne(pool, migration));
            }
          }
          if (current == latestVersion() && applied.size() == migrations.size()) {
            LOG.debug("{} schema is up to date at version {}", name, current);
          }
          return chain.map(v -> latestVersion());
        });
  }

  /** The versions recorded in {@code schema_version}, ascending; empty when the table is empty. */
  public static Future<List<Integer>> appliedVersions(Pool pool) {
    return pool.query("SELECT version FROM schema_version ORDER BY version").execute()
        .map(rows -> {
          List<Integer> versions = new ArrayList<>();
          for (Row row : rows) {
            versions.add(row.getInteger("version"));
          }
          return versions;
        });
  }

  private Future<Void> applyOne(Pool pool, Migration migration) {
    String label = name + " migration V" + migration.version() + " (" + migration.description() + ")";
    return pool.withTransaction(conn -> {
          // The version row goes first: the transaction starts with a write, and a second process
          // migrating the same database at the same time fails on the primary key instead of applying
          // the script twice.
          Future<Void> chain = SqlTemplate.forUpdate(conn,
                  "INSERT INTO schema_version (version, description, applied_at) "
                      + "VALUES (#{version}, #{description}, #{appliedAt})")
              .execute(Map.of(
                  "version", migration.version(),
                  "description", migration.description(),
                  "appliedAt", clock.getAsLong()))
              .mapEmpty();
          for (String statement : migration.statements()) {
            chain = chain.compose(v -> execute(conn, statement));
          }
          return chain;
        })
        .onSuccess(v -> LOG.info("applied {}", label))
        .recover(e -> Future.failedFuture(new StoreException(label + " failed: " + e.getMessage(), e)));
  }

  private static Future<Void> execute(SqlConnection conn, String statement) {
    return conn.query(statement).execute().mapEmpty();
  }

  /**
   * Splits a script into statements at semicolons outside quotes and comments; comments are dropped,
   * blank statements are skipped.
   */
  public static List<String> splitStatements(String script) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int i = 0;
    int n = script.length();
    while (i < n) {
      char c = script.charAt(i);
      if (c == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        int end = script.indexOf('\n', i);
        i = end < 0 ? n : end;
        current.append(' ');
      } else if (c == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        int end = script.indexOf("*/", i + 2);
        if (end < 0) {
          throw new StoreException("unterminated /* comment in migration script");
        }
        i = end + 2;
        current.append(' ');
      } else if (c == '\'' || c == '"') {
        int end = i + 1;
        while (true) {
          end = script.indexOf(c, end);
          if (end < 0) {
            throw new StoreException("unterminated " + c + " quote in migration script");
          }
          if (end + 1 < n && script.charAt(end + 1) == c) {
            end += 2; // doubled quote inside the literal
          } else {
            break;
          }
        }
        current.append(script, i, end + 1);
        i = end + 1;
      } else if (c == ';') {
        addStatement(statements, current);
        i++;
      } else {
        current.append(c);
        i++;
      }
    }
    addStatement(statements, current);
    return statements;
  }

  private static void addStatement(List<String> statements, StringBuilder current) {
    String statement = current.toString().strip();
    if (!statement.isEmpty()) {
      statements.add(statement);
    }
    current.setLength(0);
  }
}
