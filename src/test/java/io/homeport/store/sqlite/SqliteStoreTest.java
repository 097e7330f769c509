package io.homeport.store.sqlite;

import io.homeport.refusal.Refusal;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeport.device.Device;
import io.homeport.device.Enrollment;
import io.homeport.device.EnrollmentToken;
import io.homeport.device.DeviceRepository;
import io.homeport.store.Migrations;
import io.homeport.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What only the SQLite store promises: file permissions, connection settings, migrations at open. */
@ExtendWith(VertxExtension.class)
class SqliteStoreTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00.123Z");
  /** The schema version the shipped migrations produce: V1 devices, V2 commands, V3 plugin commands, V4 events, V5 API tokens, V6 device groups, V7 drops an unused index, V8 permission lists, V9 the session log, V10 the relay's byte count per session, V11 address lists, V12 the application servers of application tokens. */
  private static final int LATEST = 12;

  @TempDir Path dir;

  @Test
  void verifiesThatTheDatabaseFileItsWalFilesAndANewDataDirectoryAreOwnerOnly(Vertx vertx) throws Exception {
    // given a data directory that does not exist yet
    Path file = dir.resolve("data").resolve("homeport.db");

    // when the store is opened there and written to (which creates the -wal and -shm files)
    SqliteStore store = await(SqliteStore.open(vertx, file));
    try {
      createDevice(store.devices(), "dev-1");

      // then the directory is rwx------ and the database and both WAL files are rw-------
      assertThat(mode(file.getParent())).isEqualTo("rwx------");
      assertThat(mode(file)).isEqualTo("rw-------");
      assertThat(mode(Path.of(file + "-wal"))).isEqualTo("rw-------");
      assertThat(mode(Path.of(file + "-shm"))).isEqualTo("rw-------");
    } finally {
      await(store.close());
    }
  }

  @Test
  void verifiesThatAnExistingWorldReadableFileIsRestrictedToItsOwner(Vertx vertx) throws Exception {
    // given an empty database file someone created with mode 0644
    Path file = dir.resolve("homeport.db");
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-r--r--")));

    // when the store is opened on it
    SqliteStore store = await(SqliteStore.open(vertx, file));
    await(store.close());

    // then the file is rw------- and a working database
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(store.schemaVersion()).isEqualTo(LATEST);
  }

  @Test
  void verifiesThatEveryPooledConnectionRunsInWalModeWithForeignKeysBusyTimeoutAndNormalSync(Vertx vertx) {
    // given a store with a pool of two connections and a 1234 ms busy timeout
    SqliteStore store = await(SqliteStore.open(vertx, dir.resolve("homeport.db"),
        new SqliteStore.Options(2, Duration.ofMillis(1234))));
    try {
      // when both connections are held at once and asked for their settings
      SqlConnection first = await(store.pool().getConnection());
      SqlConnection second = await(store.pool().getConnection());
      List<List<Object>> settings = new ArrayList<>();
      for (SqlConnection conn : List.of(first, second)) {
        settings.add(List.of(
            pragma(conn, "journal_mode"), pragma(conn, "foreign_keys"), pragma(conn, "busy_timeout"),
            pragma(conn, "synchronous"), pragma(conn, "mmap_size")));
      }
      await(first.close());
      await(second.close());

      // then each runs with journal_mode=wal, foreign_keys=1, busy_timeout=1234, synchronous=1 (NORMAL), and
      // maps the file (reads after another connection's write find the pages without reading the file)
      assertThat(settings).hasSize(2).allSatisfy(s -> assertThat(s).containsExactly("wal", "1", "1234", "1",
          String.valueOf(SqliteStore.MMAP_BYTES)));
    } finally {
      await(store.close());
    }
  }

  @Test
  void verifiesThatMigrationsAreAppliedOnceAndReopeningKeepsTheData(Vertx vertx) throws Exception {
    // given a store opened once, with a device written to it
    Path file = dir.resolve("homeport.db");
    SqliteStore first = await(SqliteStore.open(vertx, file));
    createDevice(first.devices(), "dev-1");
    await(first.close());

    // when it is opened twice more
    for (int i = 0; i < 2; i++) {
      SqliteStore again = await(SqliteStore.open(vertx, file));
      assertThat(again.schemaVersion()).isEqualTo(LATEST);
      assertThat(await(again.devices().findById("dev-1"))).isPresent();
      await(again.close());
    }

    // then schema_version still records each version exactly once
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT version, description, applied_at FROM schema_version ORDER BY version")) {
      List<String> descriptions = List.of("devices", "commands", "plugins", "events", "api tokens", "device groups",
          "drop unused not before index", "permission lists", "sessions", "session relay bytes", "address lists",
          "application tokens");
      for (int version = 1; version <= LATEST; version++) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(version);
        assertThat(rs.getString(2)).isEqualTo(descriptions.get(version - 1));
        assertThat(rs.getLong(3)).isPositive();
      }
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void verifiesThatADatabaseFromANewerHomeportIsRefused(Vertx vertx) throws Exception {
    // given a database that a newer Homeport migrated to version 99
    Path file = dir.resolve("homeport.db");
    await(await(SqliteStore.open(vertx, file)).close());
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement()) {
      st.executeUpdate("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', 0)");
    }

    // when this Homeport opens it
    Throwable failure = failure(SqliteStore.open(vertx, file));

    // then opening fails clearly, naming both versions
    assertThat(failure).isInstanceOf(StoreException.class)
        .hasMessageContaining("99")
        .hasMessageContaining("newer than version " + LATEST);
  }

  @Test
  void verifiesThatInstantsAreStoredAsIntegerMillisAndTheBeaconKeyAsA32ByteBlob(Vertx vertx) throws Exception {
    // given an enrolled device
    Path file = dir.resolve("homeport.db");
    SqliteStore store = await(SqliteStore.open(vertx, file));
    try {
      createDevice(store.devices(), "dev-1");
      await(store.devices().enroll(new Enrollment(tokenHash("dev-1"), "dev-1", T0.plusSeconds(1), "0F",
          T0.plus(Duration.ofDays(365)), new byte[32])));
    } finally {
      await(store.close());
    }

    // when the raw row is inspected
    try (Connection conn = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement st = conn.createStatement();
        ResultSet rs = st.executeQuery("SELECT typeof(created_at), typeof(enrolled_at), typeof(certificate_not_after), "
            + "typeof(beacon_key), length(beacon_key), created_at, typeof(revoked_at) FROM devices")) {
      // then instants are integers holding epoch millis, the key a 32-byte blob, absent values NULL
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("integer");
      assertThat(rs.getString(2)).isEqualTo("integer");
      assertThat(rs.getString(3)).isEqualTo("integer");
      assertThat(rs.getString(4)).isEqualTo("blob");
      assertThat(rs.getInt(5)).isEqualTo(32);
      assertThat(rs.getLong(6)).isEqualTo(T0.toEpochMilli());
      assertThat(rs.getString(7)).isEqualTo("null");
    }
  }

  @Test
  void verifiesThatAPooledConnectionIsBackInAutoCommitModeAfterATransaction(Vertx vertx) throws Exception {
    // given a store with a single pooled connection, used by a committed and by a rolled-back transaction
    Path file = dir.resolve("homeport.db");
    SqliteStore store = await(SqliteStore.open(vertx, file, new SqliteStore.Options(1, Duration.ofSeconds(5))));
    try {
      createDevice(store.devices(), "dev-1");
      assertThat(failure(store.devices().create(Device.pending("dev-1", null, null, null, T0),
          new EnrollmentToken(tokenHash("other"), "dev-1", T0, T0.plusSeconds(60), null))))
          .isInstanceOf(Refusal.Duplicate.class);

      // when a statement runs on that connection outside any transaction
      await(store.pool().query("INSERT INTO revoked_certificates (serial, device_id, revoked_at) VALUES ('FF', NULL, 1)")
          .execute());

      // then it is committed at once: another connection sees it while the store is still open
      try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + file);
          Statement st = other.createStatement();
          ResultSet rs = st.executeQuery("SELECT count(*) FROM revoked_certificates WHERE serial = 'FF'")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
    } finally {
      await(store.close());
    }
  }

  @Test
  void verifiesThatAFileThatIsNotADatabaseFailsToOpenClearly(Vertx vertx) throws Exception {
    // given a file with other content
    Path file = dir.resolve("homeport.db");
    Files.writeString(file, "this is not an SQLite database, just some text that is long enough to have a header");

    // when the store is opened on it
    Throwable failure = failure(SqliteStore.open(vertx, file));

    // then it fails (no store is handed out)
    assertThat(failure).isNotNull();
  }

  @Test
  void verifiesThatTheSqliteMigrationsLoadFromTheClassPath(Vertx vertx) {
    // given the migrations shipped for SQLite
    // when they are loaded
    Migrations migrations = await(Migrations.load(vertx, SqliteStore.DIALECT));

    // then V1 creates the three device tables, V2 the commands table, V3 the plugin columns and appliances, V4 the event log
    assertThat(migrations.latestVersion()).isEqualTo(LATEST);
    assertThat(migrations.migrations().get(0).statements())
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE devices"))
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE enrollment_tokens"))
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE revoked_certificates"));
    assertThat(migrations.migrations().get(1).statements())
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE commands"));
    assertThat(migrations.migrations().get(2).statements())
        .anySatisfy(s -> assertThat(s).startsWith("ALTER TABLE commands ADD COLUMN plugin"))
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE device_appliances"));
    assertThat(migrations.migrations().get(3).statements())
        .anySatisfy(s -> assertThat(s).startsWith("CREATE TABLE events"));
  }

  // ----------------------------------------------------------------------------------- helpers

  private static void createDevice(DeviceRepository repo, String id) {
    await(repo.create(Device.pending(id, null, "acme", "{}", T0),
        new EnrollmentToken(tokenHash(id), id, T0, T0.plus(Duration.ofDays(1)), null)));
  }

  private static String tokenHash(String id) {
    return String.format("%064x", id.hashCode() & 0xffffffffL);
  }

  private static String pragma(SqlConnection conn, String name) {
    Row row = await(conn.query("PRAGMA " + name).execute()).iterator().next();
    return String.valueOf(row.getValue(0));
  }

  private static String mode(Path path) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("expected success, got " + e.getCause(), e.getCause());
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Throwable failure(Future<?> future) {
    try {
      Object result = future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      throw new AssertionError("expected a failure, got " + result);
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
      throw new AssertionError(e);
    }
  }
}
