package io.homeport.store.sqlite;

import static io.homeport.store.StoreFutures.await;
import static io.homeport.store.StoreFutures.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.command.Command;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandResult.Status;
import io.homeport.store.CommandRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command repository contract on the embedded SQLite store, one fresh database file per test;
 * plus what only SQLite shows: how the rows are stored and which indexes the sweeps use.
 */
class SqliteCommandRepositoryTest extends CommandRepositoryContract {

  @TempDir Path dir;

  private Path file() {
    return dir.resolve("homeport.db");
  }

  @Override
  protected Future<Store> openStore(Vertx vertx) {
    return SqliteStore.open(vertx, file()).map(store -> store);
  }

  @Override
  protected Future<Store> reopenStore(Vertx vertx) {
    return SqliteStore.open(vertx, file()).map(store -> store);
  }

  @Test
  void verifiesThatInstantsAreIntegerMillisTheFlagIsAnIntegerAndTheResultStatusItsWireName() throws Exception {
    // given a completed retryable command with notBefore
    device("dev-1");
    queue(Command.queued("cmd-1", "dev-1", "on", "{}", T0, T0, T0.plus(TTL), "k", true));
    await(repo.deliver("dev-1", T0, RESULT_TIMEOUT, 10));
    await(repo.complete("cmd-1", "dev-1", new CommandResult(Status.REJECTED, "busy", "[1]"), T0.plusSeconds(1)));

    // when the raw row is inspected from another connection
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file());
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT typeof(created_at), typeof(not_before), typeof(expires_at), "
            + "typeof(delivered_at), typeof(result_deadline), typeof(completed_at), typeof(retryable), retryable, "
            + "state, result_status, result_code, result_data, deliveries, created_at FROM commands")) {
      // then instants are integers holding epoch millis, the flag 1, the state its enum name and the
      // result status its wire name
      assertThat(rs.next()).isTrue();
      for (int i = 1; i <= 7; i++) {
        assertThat(rs.getString(i)).as("column %d", i).isEqualTo("integer");
      }
      assertThat(rs.getInt(8)).isEqualTo(1);
      assertThat(rs.getString(9)).isEqualTo("FAILED");
      assertThat(rs.getString(10)).isEqualTo("rejected");
      assertThat(rs.getString(11)).isEqualTo("busy");
      assertThat(rs.getString(12)).isEqualTo("[1]");
      assertThat(rs.getInt(13)).isEqualTo(1);
      assertThat(rs.getLong(14)).isEqualTo(T0.toEpochMilli());
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void verifiesThatTheSchemaRefusesUnknownStatesAndResultStatuses() {
    // given a device
    device("dev-1");
    SqliteStore sqlite = (SqliteStore) store;

    // when rows with a state or a result status the code does not know are written directly
    Throwable badState = failure(sqlite.pool().query("INSERT INTO commands (id, device_id, action, state, created_at, "
        + "expires_at, retryable) VALUES ('x', 'dev-1', 'on', 'LOST', 0, 1, 0)").execute());
    Throwable badStatus = failure(sqlite.pool().query("INSERT INTO commands (id, device_id, action, state, created_at, "
        + "expires_at, retryable, result_status) VALUES ('y', 'dev-1', 'on', 'SUCCEEDED', 0, 1, 0, 'OK')").execute());

    // then the CHECK constraints refuse both
    assertThat(badState).hasMessageContaining("CHECK constraint failed");
    assertThat(badStatus).hasMessageContaining("CHECK constraint failed");
  }

  @Test
  void verifiesThatTheSweepsAndTheDeviceQueriesUseTheirIndexes() {
    // given the schema
    // when SQLite plans the statements of the sweeps and the per-device queries
    // then each searches an index rather than scanning the table
    assertThat(plan("UPDATE commands SET state = 'EXPIRED' WHERE state IN ('QUEUED', 'WOKEN') AND expires_at <= 5"))
        .contains("commands_state_expires");
    assertThat(plan("UPDATE commands SET state = 'TIMED_OUT' WHERE state = 'DELIVERED' AND result_deadline <= 5"))
        .contains("commands_state_deadline");
    assertThat(plan("SELECT id FROM commands WHERE device_id = 'd' AND state IN ('QUEUED', 'WOKEN') "
        + "ORDER BY created_at, id LIMIT 5"))
        .contains("commands_device_state_created");
    assertThat(plan("SELECT id FROM commands WHERE device_id = 'd' AND idempotency_key = 'k'"))
        .contains("sqlite_autoindex_commands");
  }

  @Test
  void verifiesThatTheRepositorysPerDeviceDueStatementsSearchTheDeviceIndexNotEveryUndeliveredCommand() {
    // given the schema without table statistics (a new store: SQLite's planner then prefers the
    // state/expiry index for the due condition, which walks the undelivered commands of every device)
    // when SQLite plans the statements a hello and a wake run for one device
    for (String sql : List.of(SqliteCommandRepository.SELECT_DUE, SqliteCommandRepository.SELECT_TO_OFFER,
        SqliteCommandRepository.DELIVER,
        SqliteCommandRepository.MARK_WOKEN)) {
      String plan = plan(sql.replaceAll("#\\{\\w+}", "?"));
      // then each searches by device and state, so its cost is the device's commands, not the backlog
      assertThat(plan).as(sql).contains("commands_device_state_created (device_id=? AND state=?)")
          .doesNotContain("commands_state_expires");
    }
  }

  private String plan(String sql) {
    List<String> details = new ArrayList<>();
    for (Row row : await(((SqliteStore) store).pool().query("EXPLAIN QUERY PLAN " + sql).execute())) {
      details.add(row.getString("detail"));
    }
    assertThat(details).as(sql).noneMatch(d -> d.startsWith("SCAN commands"));
    return String.join("\n", details);
  }
}
