package io.homeport.store.pg;

import static io.homeport.store.sql.DeviceSql.DELETE_APPLIANCES;
import static io.homeport.store.sql.DeviceSql.DELETE_DEVICE;
import static io.homeport.store.sql.DeviceSql.DELETE_GROUPS;
import static io.homeport.store.sql.DeviceSql.DELETE_UNUSED_TOKENS;
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
import io.homeport.device.DeviceRepository;
import io.homeport.device.DeviceState;
import io.homeport.device.Enrollment;
import io.homeport.device.EnrollmentToken;
import io.homeport.device.HostedAppliance;
import io.homeport.refusal.Refusal;
import io.homeport.store.StoreException;
import io.homeport.store.sql.DeviceReads;
import io.homeport.store.sql.DeviceSql;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@link DeviceRepository} on PostgreSQL, through the pool, with {@link DeviceSql}'s statements.
 *
 * <p>Every write of several statements is one transaction (READ COMMITTED). Conditions are checked by
 * the writes themselves: of two concurrent conditional updates of a row, PostgreSQL makes the second wait
 * for the first to commit and evaluates its condition again on the committed row, so exactly one wins
 * (two enrollments with one token, two revocations); unique keys decide concurrent creates. Replacing a
 * device's groups or appliances first locks the device row ({@link #LOCK_DEVICE}), which queues
 * concurrent replacements of the same device: the later one's delete then sees what the earlier one
 * inserted, and the result is one set, never a mix of both.
 */
final class PgDeviceRepository implements DeviceRepository {

  /** Locks the device row to the end of the transaction; no row when the device does not exist. */
  private static final String LOCK_DEVICE = "SELECT id FROM devices WHERE id = #{deviceId} FOR UPDATE";

  private final Pool pool;
  /** The reads both stores share. */
  private final DeviceReads reads;

  PgDeviceRepository(Pool pool) {
    this.pool = pool;
    this.reads = new DeviceReads(pool);
  }

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
    return pool.<Void>withTransaction(conn -> update(conn, INSERT_DEVICE, deviceRow)
            .compose(n -> update(conn, INSERT_TOKEN, tokenRow))
            .compose(n -> insertGroups(conn, device.id(), sortedGroups)))
        .recover(e -> Future.failedFuture(duplicateOr(PgDialect.INSTANCE, e, device.id(), device.name())));
  }

  @Override
  public Future<Optional<Device>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return findDevice(pool, id);
  }

  private static Future<Optional<Device>> findDevice(SqlClient client, String id) {
    return queryOne(client, SELECT_DEVICE, DeviceSql::toDevice, Map.of("id", id));
  }

  @Override
  public Future<Optional<Device>> findByName(String name) {
    Objects.requireNonNull(name, "name");
    return queryOne(pool, SELECT_DEVICE_BY_NAME, DeviceSql::toDevice, Map.of("name", name));
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
    return findToken(pool, tokenHash);
  }

  private static Future<Optional<EnrollmentToken>> findToken(SqlClient client, String tokenHash) {
    return queryOne(client, SELECT_TOKEN, DeviceSql::toToken, Map.of("tokenHash", tokenHash));
  }

  @Override
  public Future<Void> replaceAppliances(String deviceId, List<HostedAppliance> appliances, Instant at) {
    Objects.requireNonNull(deviceId, "deviceId");
    List<HostedAppliance> copy = List.copyOf(appliances);
    return replaceOfDevice(deviceId, DELETE_APPLIANCES, conn -> {
      Future<Integer> chain = Future.succeededFuture(0);
      for (HostedAppliance a : copy) {
        chain = chain.compose(n -> update(conn, INSERT_APPLIANCE, applianceParams(deviceId, a, at)));
      }
      return chain.mapEmpty();
    });
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
    return queryOne(pool, SET_NAME, DeviceSql::toDevice, p)
        .recover(e -> Future.failedFuture(duplicateOr(PgDialect.INSTANCE, e, deviceId, name)))
        .compose(renamed -> renamed.map(Future::succeededFuture).orElseGet(() ->
            Future.failedFuture(new Refusal.NotFound("device " + deviceId + " does not exist"))));
  }

  @Override
  public Future<Void> replaceGroups(String deviceId, Set<String> groups) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(groups, "groups");
    Set<String> copy = new TreeSet<>(groups);
    return replaceOfDevice(deviceId, DELETE_GROUPS, conn -> insertGroups(conn, deviceId, copy));
  }

  /** Locks the device, deletes its rows of one kind and inserts the new ones, in one transaction. */
  private Future<Void> replaceOfDevice(String deviceId, String delete,
      Function<SqlConnection, Future<Void>> insert) {
    Map<String, Object> p = Map.of("deviceId", deviceId);
    return pool.withTransaction(conn -> queryOne(conn, LOCK_DEVICE, row -> row.getString("id"), p)
        .compose(device -> device.isEmpty()
            ? Future.<Void>failedFuture(new Refusal.NotFound("device " + deviceId + " does not exist"))
            : update(conn, delete, p).compose(n -> insert.apply(conn))));
  }

  private static Future<Void> insertGroups(SqlConnection conn, String deviceId, Set<String> sortedGroups) {
    Future<Integer> chain = Future.succeededFuture(0);
    for (String g : sortedGroups) {
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

  @Override
  public Future<Void> addToken(EnrollmentToken token) {
    Objects.requireNonNull(token, "token");
    // one statement: the token is inserted only if the device exists and is not revoked
    return update(pool, INSERT_TOKEN_FOR_ACTIVE_DEVICE, tokenParams(token))
        .recover(e -> Future.failedFuture(duplicateOr(PgDialect.INSTANCE, e, token.deviceId(), null)))
        .compose(inserted -> inserted == 1
            ? Future.<Void>succeededFuture()
            : findDevice(pool, token.deviceId()).compose(device -> Future.failedFuture(new Refusal.NotFound(
                device.isEmpty()
                    ? "device " + token.deviceId() + " does not exist"
                    : "device " + token.deviceId() + " is revoked"))));
  }

  @Override
  public Future<Device> enroll(Enrollment enrollment) {
    Objects.requireNonNull(enrollment, "enrollment");
    Map<String, Object> p = enrollmentParams(enrollment);
    return pool.withTransaction(conn -> update(conn, USE_TOKEN, p).compose(used -> {
      if (used != 1) {
        // read in the failing transaction: what the conditional update found, committed
        return findToken(conn, enrollment.tokenHash()).compose(token ->
            findDevice(conn, enrollment.deviceId()).compose(device ->
                Future.<Device>failedFuture(notEnrollable(enrollment, token, device))));
      }
      return update(conn, RECORD_REVOKED_SERIAL, p)
          .compose(n -> queryOne(conn, SET_ENROLLED, DeviceSql::toDevice, p))
          .map(device -> device.orElseThrow(() -> new StoreException("device " + enrollment.deviceId() + " vanished")));
    }));
  }

  @Override
  public Future<Optional<Device>> revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Map<String, Object> p = removalParams(id, at);
    return pool.withTransaction(conn -> update(conn, SET_REVOKED, p)
        .compose(revoked -> revoked == 0
            ? Future.succeededFuture() // unknown, or revoked before: change nothing
            : update(conn, RECORD_REVOKED_SERIAL, p).compose(v -> update(conn, DELETE_UNUSED_TOKENS, p)).mapEmpty())
        .compose(v -> findDevice(conn, id)));
  }

  @Override
  public Future<Optional<Device>> delete(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Map<String, Object> p = removalParams(id, at);
    // the revocation record first, as on SQLite: a device revoked earlier keeps its first revocation time
    return pool.withTransaction(conn -> update(conn, RECORD_REVOKED_SERIAL, p)
        .compose(v -> findDevice(conn, id))
        .compose(device -> device.isEmpty()
            ? Future.succeededFuture(device)
            : update(conn, DELETE_DEVICE, p).map(n -> device)));
  }
}
