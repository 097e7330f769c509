package io.homeport.store.sqlite;

import static io.homeport.store.sqlite.SqliteStoreTest.await;
import static io.homeport.store.sqlite.SqliteStoreTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.store.Migrations;
import io.homeport.store.Migrations.Migration;
import io.homeport.store.StoreException;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The migration runner against a real (bare) SQLite database. */
@ExtendWith(VertxExtension.class)
class SqliteMigrationsTest {

  private static final Migration V1 = new Migration(1, "first", List.of(
      "CREATE TABLE a (x INTEGER)", "INSERT INTO a (x) VALUES (1)"));
  private static final Migration V2 = new Migration(2, "second", List.of("CREATE TABLE b (y TEXT)"));
  private static final Migration V2_BROKEN = new Migration(2, "broken", List.of(
      "CREATE TABLE b (y TEXT)", "INSERT INTO a (x) VALUES (2)", "INSERT INTO no_such_table VALUES (1)"));

  @TempDir Path dir;
  private Pool pool;

  @BeforeEach
  void openPool(Vertx vertx) {
    pool = await(SqliteStore.createPool(vertx, dir.resolve("m.db"), SqliteStore.Options.DEFAULTS));
  }

  @AfterEach
  void closePool() {
    await(pool.close());
  }

  @Test
  void verifiesThatMigrationsApplyInOrderAndRecordTheirVersion() {
    // given an empty database and two migrations given out of order
    Migrations migrations = Migrations.of("test", List.of(V2, V1)).withClock(() -> 1234L);

    // when they are applied, twice
    int first = await(migrations.apply(pool));
    int second = await(migrations.apply(pool));

    // then both ran once, in order, and each version is recorded with its description and time
    assertThat(first).isEqualTo(2);
    assertThat(second).isEqualTo(2);
    assertThat(rows("SELECT version, description, applied_at FROM schema_version ORDER BY version"))
        .containsExactly(List.of(1L, "first", 1234L), List.of(2L, "second", 1234L));
    assertThat(rows("SELECT x FROM a")).containsExactly(List.of(1L));
    assertThat(rows("SELECT count(*) FROM b")).containsExactly(List.of(0L));
  }

  @Test
  void verifiesThatOnlyNewMigrationsRunOnAnExistingDatabase() {
    // given a database at version 1
    await(Migrations.of("test", List.of(V1)).apply(pool));

    // when a release with V1 and V2 applies its migrations
    int version = await(Migrations.of("test", List.of(V1, V2)).apply(pool));

    // then only V2 ran: V1's insert did not run again
    assertThat(version).isEqualTo(2);
    assertThat(rows("SELECT x FROM a")).containsExactly(List.of(1L));
    assertThat(rows("SELECT version FROM schema_version ORDER BY version")).containsExactly(List.of(1L), List.of(2L));
  }

  @Test
  void verifiesThatAFailingMigrationIsRolledBackWholeAndEarlierOnesStay() {
    // given V1 and a V2 whose last statement fails
    Migrations migrations = Migrations.of("test", List.of(V1, V2_BROKEN));

    // when they are applied
    Throwable failure = failure(migrations.apply(pool));

    // then the failure names V2, V1 stays applied, and nothing of V2 (table, insert, version row) remains
    assertThat(failure).isInstanceOf(StoreException.class).hasMessageContaining("V2").hasMessageContaining("broken");
    assertThat(rows("SELECT version FROM schema_version")).containsExactly(List.of(1L));
    assertThat(rows("SELECT x FROM a")).containsExactly(List.of(1L));
    assertThat(rows("SELECT count(*) FROM sqlite_master WHERE name = 'b'")).containsExactly(List.of(0L));

    // and when the fixed V2 is applied later, it runs
    assertThat(await(Migrations.of("test", List.of(V1, V2)).apply(pool))).isEqualTo(2);
  }

  @Test
  void verifiesThatANewerDatabaseIsRefusedWithoutChangingIt() {
    // given a database at version 2
    await(Migrations.of("test", List.of(V1, V2)).apply(pool));

    // when an older release that knows only V1 applies its migrations
    Throwable failure = failure(Migrations.of("test", List.of(V1)).apply(pool));

    // then it is refused with both versions named, and the database is unchanged
    assertThat(failure).isInstanceOf(StoreException.class)
        .hasMessageContaining("schema version 2")
        .hasMessageContaining("newer than version 1");
    assertThat(rows("SELECT version FROM schema_version ORDER BY version")).containsExactly(List.of(1L), List.of(2L));
  }

  /** The rows of a query, integers widened to Long so that expectations need not guess the driver's type. */
  private List<List<Object>> rows(String sql) {
    List<List<Object>> result = new ArrayList<>();
    for (Row row : await(pool.query(sql).execute())) {
      List<Object> values = new ArrayList<>();
      for (int i = 0; i < row.size(); i++) {
        Object v = row.getValue(i);
        values.add(v instanceof Integer || v instanceof Long ? Long.valueOf(((Number) v).longValue()) : v);
      }
      result.add(values);
    }
    return result;
  }
}
