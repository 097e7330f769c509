package io.homeport.store.sqlite;

import static io.homeport.store.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.store.EventRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event repository contract on the embedded SQLite store, one fresh database file per test. */
class SqliteEventRepositoryTest extends EventRepositoryContract {

  @TempDir Path dir;

  @Override
  protected Future<Store> openStore(Vertx vertx) {
    return SqliteStore.open(vertx, dir.resolve("homeport.db")).map(store -> store);
  }

  @Override
  protected Future<Store> reopenStore(Vertx vertx) {
    return openStore(vertx);
  }

  @Test
  @DisplayName("Verifies that reads and both prunes search an index rather than scanning the events table")
  void indexes() {
    // given the schema
    // when SQLite plans the statements of the repository
    // then readAfter uses the primary key and pruning by age the time index
    assertThat(plan("SELECT id FROM events WHERE id > 5 ORDER BY id LIMIT 10")).contains("INTEGER PRIMARY KEY");
    assertThat(plan("SELECT id FROM events WHERE time < 5 ORDER BY time LIMIT 10")).contains("events_time");
  }

  private String plan(String sql) {
    List<String> details = new ArrayList<>();
    for (Row row : await(((SqliteStore) store).pool().query("EXPLAIN QUERY PLAN " + sql).execute())) {
      details.add(row.getString("detail"));
    }
    assertThat(details).as(sql).noneMatch(d -> d.equals("SCAN events"));
    return String.join("\n", details);
  }
}
