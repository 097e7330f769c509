package io.homeport.store.sqlite;

import static io.homeport.store.sql.DeviceSql.DELETE_APPLIANCES;
import static io.homeport.store.sql.DeviceSql.DELETE_DEVICE;
import static io.homeport.store.sql.DeviceSql.DELETE_GROUPS;
import static io.homeport.store.sql.DeviceSql.DELETE_UNUSED_TOKENS;
import static io.homeport.store.sql.DeviceSql.DEVICE_EXISTS;
import static io.homeport.store.sql.DeviceSql.INSERT_APPLIANCE;
import static io.homeport.store.sql.DeviceSql.INSERT_DEVICE;
import static io.homeport.store.sql.DeviceSql.INSERT_GROUP;
import static io.homeport.store.sql.DeviceSql.INSERT_TOKEN;
import static io.homeport.store.sql.DeviceSql.INSERT_TOKEN_FOR_ACTIVE_DEVICE;
import static io.homeport.store.sql.DeviceSql.RECORD_REVOKED_SERIAL;
import static io.homeport.store.sql.DeviceSql.SELECT_DEVICE;
import static io.homeport.store.sql.DeviceSql.SELECT_DEVICE_BY_NAME;
import static io.homeport.store.sql.DeviceSql.SELECT_TOKEN;
import static io.homeport.store.sql.DeviceSql.SET_ENROLLED;
import static io.homeport.store.sql.DeviceSql.SET_NAME;
import static io.homeport.store.sql.DeviceSql.SET_REVOKED;
import static io.homeport.store.sql.DeviceSql.USE_TOKEN;
import static io.homeport.store.sql.DeviceSql.applianceParams;
import static io.homeport.store.sql.DeviceSql.deviceParams;
import static io.homeport.store.sql.DeviceSql.duplicateOr;
import static io.homeport.store.sql.DeviceSql.enrollmentParams;
import static io.homeport.store.sql.DeviceSql.notEnrollable;
import static io.homeport.store.sql.DeviceSql.removalParams;
import static io.homeport.store.sql.DeviceSql.tokenParams;

import static io.homeport.store.sql.SqlRows.queryOne;
import static io.homeport.store.sql.SqlRows.update;

import io.homeport.device.Device;
import io.homeport.device.DeviceState;
import io.homeport.device.Enrollment;
import io.homeport.device.EnrollmentToken;
import io.homeport.device.HostedAppliance;
import io.homeport.device.DeviceRepository;
import io.homeport.refusal.Refusal;
import io.homeport.store.StoreException;
import io.homeport.store.sql.DeviceReads;
import io.homeport.store.sql.DeviceSql;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DeviceRepository} on SQLite, through vertx-jdbc-client and SQL templates.
 *
 * <p>Every method that writes runs in one transaction whose first statement is a write (see
 * {@link SqliteStore}); the statements, and how a write checks its own conditions, are {@link DeviceSql}'s.
 */
final class SqliteDeviceRepository implements DeviceRepository {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDeviceRepository.class);

  private final Pool pool;
  /** The reads both stores share. */
  private final DeviceReads reads;
  private final JdbcReaders readers;
  private final GroupCommitWriter writer;
  /** Completes when the last queued write of this repository is done (see {@link #serialized}). */
  private Future<Void> lastWrite = Future.succeededFuture();

  /**
   * @param readers and {@code writer}: the store's own threads, for the enrollment path (create, token
   *     lookup, enroll), which at hundreds of devices a second is on the command path's footing; the
   *     rarer operator writes stay on the pool, queued one after another
   */
  SqliteDeviceRepository(Pool pool, JdbcReaders readers, GroupCommitWriter writer) {
    this.readers = readers;
    this.writer = writer;
    this.pool = pool;
    this.reads = new DeviceReads(pool);
  }

  /**
   * Runs this repository's writes one after another. SQLite admits one writer at a time, and a
   * connection that finds the write lock taken waits in SQLite's busy handler, which sleeps in steps of
   * several milliseconds; with concurrent enrollments most of the time went there. Queued here, the
   * next write starts the moment the previous one commits. Reads are not queued (WAL lets them run
   * beside the writer).
   */
  private <T> Future<T> serialized(Supplier<Future<T>> write) {
    Promise<T> result = Promise.promise();
    Future<Void> previous;
    synchronized (this) {
      previous = lastWrite;
      lastWrite = result.future().transform(done -> Future.succeededFuture());
    }
    previous.onComplete(ignored -> {
      Future<T> f;
      try {
        f = write.get();
      } catch (RuntimeException e) {
        f = Future.failedFuture(e);
      }
      f.onComplete(result);
    });
    return result.future();
  }

  private <T> Future<T> writeTransaction(Function<SqlConnection, Future<T>> work) {
    return serialized(() -> pool.withTransaction(work));
  }

  // ---------------------------------------------------------------------------------------- create

  @Override
  public Future<Void> create(Device device, EnrollmentToken token, Set<String> groups) {
    Objects.requireNonNull(device, "device");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(groups, "groups");
    if (device.state() != DeviceState.PENDING) {
      return Future.failedFuture(new IllegalArgumentException(
          "a new device must be PENDING, " + device.id() + " is " + device.state()));
    }
    if (!token.deviceId().equals(device.id())) {
      return Future.failedFuture(new IllegalArgumentException(
          "the first enrollment token of " + device.id() + " names another device"));
    }
    Map<String, Object> deviceRow = deviceParams(device);
    Map<String, Object> tokenRow = tokenParams(token);
    Set<String> sortedGroups = new TreeSet<>(groups);
    return writer.<Void>write(session -> {
          session.update(INSERT_DEVICE, deviceRow);
          session.update(INSERT_TOKEN, tokenRow);
          for (String g : sortedGroups) {
            session.update(INSERT_GROUP, Map.of("deviceId", device.id(), "group", g));
          }
          return null;
        })
        .recover(e -> Future.failedFuture(duplicateOr(SqliteDialect.INSTANCE, e, device.id(), device.name())))
        .onSuccess(v -> LOG.debug("created device {}", device.id()));
  }

  // ----------------------------------------------------------------------------------------- reads

  /** On the store's readers: every command created looks its device up, so this read is on the command path. */
  @Override
  public Future<Optional<Device>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return readers.read(session -> findDevice(session, id));
  }

  private static Optional<Device> findDevice(JdbcSession session, String id) throws SQLException {
    return session.query(SELECT_DEVICE, Map.of("id", id), DeviceSql::toDevice).stream().findFirst();
  }

  private static Future<Optional<Device>> findDevice(SqlClient client, String id) {
    return queryOne(client, SELECT_DEVICE, DeviceSql::toDevice, Map.of("id", id));
  }

  @Override
  public Future<Optional<Device>> findByName(String name) {
    Objects.requireNonNull(name, "name");
    return readers.read(session -> session.query(SELECT_DEVICE_BY_NAME, Map.of("name", name),
        DeviceSql::toDevice).stream().findFirst());
  }

  @Override
  public Future<List<Device>> list(int offset, int limit) {
    return reads.list(offset, limit);
  }

  @Override
  public Future<List<Device>> listEnrolled() {
    return reads.listEnrolled();
  }

  @Override
  public Future<Optional<EnrollmentToken>> findToken(String tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    return readers.read(session -> findToken(session, tokenHash));
  }

  private static Optional<EnrollmentToken> findToken(JdbcSession session, String tokenHash) throws SQLException {
    return session.query(SELECT_TOKEN, Map.of("tokenHash", tokenHash), DeviceSql::toToken).stream()
        .findFirst();
  }

  @Override
  public Future<Void> replaceAppliances(String deviceId, List<HostedAppliance> appliances, Instant at) {
    Objects.requireNonNull(deviceId, "deviceId");
    return writeTransaction(conn -> update(conn, DELETE_APPLIANCES, Map.of("deviceId", deviceId))
        .compose(v -> SqlTemplate.forQuery(conn, DEVICE_EXISTS).execute(Map.of("deviceId", deviceId)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new Refusal.NotFound("device " + deviceId + " does not exist"));
          }
          Future<Integer> chain = Future.succeededFuture(0);
          for (HostedAppliance a : appliances) {
            chain = chain.compose(n -> update(conn, INSERT_APPLIANCE, applianceParams(deviceId, a, at)));
          }
          return chain.<Void>mapEmpty();
        }));
  }

  @Override
  public Future<List<HostedAppliance>> appliances(String deviceId) {
    return reads.appliances(deviceId);
  }

  @Override
  public Future<Device> rename(String deviceId, String name) {
    Objects.requireNonNull(deviceId, "deviceId");
    Map<String, Object> p = new HashMap<>();
    p.put("deviceId", deviceId);
    p.put("name", name);
    return serialized(() -> queryOne(pool, SET_NAME, DeviceSql::toDevice, p))
        .recover(e -> Future.failedFuture(duplicateOr(SqliteDialect.INSTANCE, e, deviceId, name)))
        .compose(renamed -> renamed.map(Future::succeededFuture).orElseGet(() ->
            Future.failedFuture(new Refusal.NotFound("device " + deviceId + " does not exist"))));
  }

  @Override
  public Future<Void> replaceGroups(String deviceId, Set<String> groups) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(groups, "groups");
    Set<String> copy = Set.copyOf(groups);
    return writeTransaction(conn -> update(conn, DELETE_GROUPS, Map.of("deviceId", deviceId))
        .compose(v -> SqlTemplate.forQuery(conn, DEVICE_EXISTS).execute(Map.of("deviceId", deviceId)))
        .compose(rows -> rows.size() == 0
            ? Future.<Void>failedFuture(new Refusal.NotFound("device " + deviceId + " does not exist"))
            : insertGroups(conn, deviceId, copy)));
  }

  private static Future<Void> insertGroups(SqlConnection conn, String deviceId, Set<String> groups) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (String g : new TreeSet<>(groups)) {
      chain = chain.compose(n -> update(conn, INSERT_GROUP, Map.of("deviceId", deviceId, "group", g)));
    }
    return chain.mapEmpty();
  }

  @Override
  public Future<Set<String>> groups(String deviceId) {
    return reads.groups(deviceId);
  }

  @Override
  public Future<Map<String, Set<String>>> allGroups() {
    return reads.allGroups();
  }

  @Override
  public Future<List<String>> listRevokedIds() {
    return reads.listRevokedIds();
  }

  @Override
  public Future<List<String>> revokedCertificateSerials() {
    return reads.revokedCertificateSerials();
  }

  // -------------------------------------------------------------------------------------- addToken

  @Override
  public Future<Void> addToken(EnrollmentToken token) {
    Objects.requireNonNull(token, "token");
    // one statement: the token is inserted only if the device exists and is not revoked
    return serialized(() -> update(pool, INSERT_TOKEN_FOR_ACTIVE_DEVICE, tokenParams(token)))
        .recover(e -> Future.failedFuture(duplicateOr(SqliteDialect.INSTANCE, e, token.deviceId(), null)))
        .compose(inserted -> {
          if (inserted == 1) {
            LOG.debug("added an enrollment token for device {}", token.deviceId());
            return Future.<Void>succeededFuture();
          }
          return findDevice(pool, token.deviceId()).compose(device -> Future.failedFuture(new Refusal.NotFound(
              device.isEmpty()
                  ? "device " + token.deviceId() + " does not exist"
                  : "device " + token.deviceId() + " is revoked")));
        });
  }

  // ---------------------------------------------------------------------------------------- enroll

  @Override
  public Future<Device> enroll(Enrollment enrollment) {
    Objects.requireNonNull(enrollment, "enrollment");
    String deviceId = enrollment.deviceId();
    Map<String, Object> p = enrollmentParams(enrollment);
    return writer.write(session -> {
          if (session.update(USE_TOKEN, p) != 1) {
            throw whyNotEnrollable(session, enrollment);
          }
          session.update(RECORD_REVOKED_SERIAL, p);
          return session.query(SET_ENROLLED, p, DeviceSql::toDevice).stream().findFirst()
              .orElseThrow(() -> new StoreException("device " + deviceId + " vanished"));
        })
        .onSuccess(d -> LOG.debug("enrolled device {} with certificate {}", deviceId, d.certificateSerial()));
  }

  /** Explains why the conditional token update matched no row; runs inside the failing write. */
  private static Refusal.Conflict whyNotEnrollable(JdbcSession session, Enrollment enrollment) throws SQLException {
    Refusal.Conflict refusal = notEnrollable(enrollment, findToken(session, enrollment.tokenHash()),
        findDevice(session, enrollment.deviceId()));
    LOG.debug("enrollment of {} refused: {} (token hash {})", enrollment.deviceId(), refusal.getMessage(),
        enrollment.tokenHash());
    return refusal;
  }

  // ---------------------------------------------------------------------------------------- revoke

  @Override
  public Future<Optional<Device>> revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Map<String, Object> p = removalParams(id, at);
    return writeTransaction(conn -> update(conn, SET_REVOKED, p)
        .compose(revoked -> {
          if (revoked == 0) {
            return Future.succeededFuture(); // unknown, or revoked before: change nothing
          }
          LOG.debug("revoking device {}", id);
          return update(conn, RECORD_REVOKED_SERIAL, p)
              .compose(v -> update(conn, DELETE_UNUSED_TOKENS, p))
              .mapEmpty();
        })
        .compose(v -> findDevice(conn, id)));
  }

  // ---------------------------------------------------------------------------------------- delete

  @Override
  public Future<Optional<Device>> delete(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Map<String, Object> p = removalParams(id, at);
    // the revocation record is written first (a no-op for an unknown device), so the transaction
    // starts with a write; a device revoked earlier keeps its first revocation time
    return writeTransaction(conn -> update(conn, RECORD_REVOKED_SERIAL, p)
        .compose(v -> findDevice(conn, id))
        .compose(device -> device.isEmpty()
            ? Future.succeededFuture(device)
            : update(conn, DELETE_DEVICE, p).map(n -> device)))
        .onSuccess(d -> d.ifPresent(device -> LOG.debug("deleted device {}", id)));
  }
}
