package io.homeport.store.sqlite;

import static io.homeport.store.sqlite.SqliteStoreTest.await;
import static io.homeport.store.sqlite.SqliteStoreTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The store's group-commit writer and its count of write transactions, on a scratch table. */
@ExtendWith(VertxExtension.class)
class GroupCommitWriterTest {

  /** Long enough that writes handed over together always wait for the same transaction. */
  private static final Duration WINDOW = Duration.ofMillis(300);

  @TempDir Path dir;
  private SqliteStore store;
  private GroupCommitWriter writer;

  @BeforeEach
  void open(Vertx vertx) {
    store = await(SqliteStore.open(vertx, dir.resolve("homeport.db"),
        new SqliteStore.Options(4, Duration.ofSeconds(5), WINDOW)));
    await(store.pool().query("CREATE TABLE scratch (k TEXT PRIMARY KEY)").execute());
    writer = store.writer();
  }

  @AfterEach
  void close() {
    await(store.close());
  }

  @Test
  @DisplayName("Verifies that writes handed over together are committed in one write transaction, each with its own result")
  void groupCommit() {
    // given a write that just committed, so that the next ones wait for the window
    await(writer.write(session -> insert(session, "first")));
    long before = store.writeTransactions().getAsLong();

    // when five writes are handed over at once
    List<Future<String>> writes = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String key = "k" + i;
      writes.add(writer.write(session -> {
        insert(session, key);
        return key;
      }));
    }

    // then each completes with its own result, all five rows are stored, in one commit
    for (int i = 0; i < 5; i++) {
      assertThat(await(writes.get(i))).isEqualTo("k" + i);
    }
    assertThat(keys()).containsExactly("first", "k0", "k1", "k2", "k3", "k4");
    assertThat(store.writeTransactions().getAsLong() - before).isEqualTo(1);
  }

  @Test
  @DisplayName("Verifies that a write failing half-way leaves nothing of itself and fails alone; the writes around it commit")
  void failedWriteRolledBackAlone() {
    // given a stored key, and a write that just committed so that the next ones share a transaction
    await(writer.write(session -> insert(session, "taken")));

    // when three writes run together and the middle one inserts a row, then collides with the stored key
    Future<Integer> before = writer.write(session -> insert(session, "a"));
    Future<Integer> failing = writer.write(session -> insert(session, "half") + insert(session, "taken"));
    Future<Integer> after = writer.write(session -> insert(session, "b"));

    // then the middle one fails with its own error and its first row is gone; the others are stored
    assertThat(await(before)).isEqualTo(1);
    assertThat(failure(failing)).hasMessageContaining("UNIQUE constraint failed");
    assertThat(await(after)).isEqualTo(1);
    assertThat(keys()).containsExactly("a", "b", "taken");
  }

  @Test
  @DisplayName("Verifies that the store counts committed write transactions, and neither reads nor rolled-back writes")
  void countsWriteTransactions() {
    // given the count so far
    long start = store.writeTransactions().getAsLong();

    // when the store reads, writes one statement outside a transaction, and rolls a write transaction back
    keys();
    await(store.pool().query("INSERT INTO scratch (k) VALUES ('x')").execute());
    failure(store.pool().withTransaction(conn -> conn.query("INSERT INTO scratch (k) VALUES ('y')").execute()
        .compose(n -> Future.failedFuture(new IllegalStateException("roll back")))));

    // then exactly the one committed write is counted
    assertThat(store.writeTransactions().getAsLong() - start).isEqualTo(1);
    assertThat(keys()).containsExactly("x");
  }

  private static int insert(JdbcSession session, String key) throws SQLException {
    return session.update("INSERT INTO scratch (k) VALUES (#{k})", Map.of("k", key));
  }

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    for (Row row : await(store.pool().query("SELECT k FROM scratch ORDER BY k").execute())) {
      keys.add(row.getString(0));
    }
    return keys;
  }
}
