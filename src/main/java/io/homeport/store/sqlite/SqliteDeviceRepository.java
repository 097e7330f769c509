package io.homeport.store.sqlite;

import io.homeport.refusal.Refusal;
import static io.homeport.store.sql.SqlRows.queryAll;
import static io.homeport.store.sql.SqlRows.queryOne;

import static io.homeport.store.sql.SqlRows.bytes;
import static io.homeport.store.sql.SqlRows.first;
import static io.homeport.store.sql.SqlRows.instant;
import static io.homeport.store.sql.SqlRows.millis;
import static io.homeport.store.sqlite.SqlSupport.sqlMessage;
import static io.homeport.store.sql.SqlRows.update;

import io.homeport.store.sql.SqlRows.Columns;

import io.homeport.device.Device;
import io.homeport.device.DeviceState;
import io.homeport.device.Enrollment;
import io.homeport.device.EnrollmentToken;
import io.homeport.device.HostedAppliance;
import io.homeport.device.DeviceRepository;
import io.homeport.store.StoreException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link DeviceRepository} on SQLite, through vertx-jdbc-client and SQL templates.
 *
 * <p>Every method that writes runs in one transaction whose first statement is a write (see
 * {@link SqliteStore}); conditions are checked by the writes themselves ({@code UPDATE ... WHERE} with
 * the condition, constraint violations), so two concurrent callers cannot both pass a check.
 */
final class SqliteDeviceRepository implements DeviceRepository {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteDeviceRepository.class);

  private static final String DEVICE_COLUMNS =
      "id, name, vendor, metadata, state, created_at, enrolled_at, revoked_at, "
          + "certificate_serial, certificate_not_after, beacon_key";
  private static final String TOKEN_COLUMNS = "token_hash, device_id, created_at, expires_at, used_at";

  private static final String INSERT_DEVICE =
      "INSERT INTO devices (" + DEVICE_COLUMNS + ") VALUES (#{id}, #{name}, #{vendor}, #{metadata}, #{state}, "
          + "#{createdAt}, #{enrolledAt}, #{revokedAt}, #{certificateSerial}, #{certificateNotAfter}, #{beaconKey})";
  private static final String INSERT_TOKEN =
      "INSERT INTO enrollment_tokens (" + TOKEN_COLUMNS + ") "
          + "VALUES (#{tokenHash}, #{deviceId}, #{createdAt}, #{expiresAt}, #{usedAt})";
  private static final String INSERT_TOKEN_FOR_ACTIVE_DEVICE =
      "INSERT INTO enrollment_tokens (" + TOKEN_COLUMNS + ") "
          + "SELECT #{tokenHash}, #{deviceId}, #{createdAt}, #{expiresAt}, #{usedAt} "
          + "WHERE EXISTS (SELECT 1 FROM devices WHERE id = #{deviceId} AND state <> 'REVOKED')";
  private static final String SELECT_DEVICE = "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE id = #{id}";
  private static final String SELECT_DEVICE_BY_NAME = "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE name = #{name}";
  private static final String LIST_DEVICES =
      "SELECT " + DEVICE_COLUMNS + " FROM devices ORDER BY created_at, id LIMIT #{limit} OFFSET #{offset}";
  private static final String LIST_ENROLLED =
      "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE state = 'ENROLLED' ORDER BY created_at, id";
  private static final String SELECT_TOKEN =
      "SELECT " + TOKEN_COLUMNS + " FROM enrollment_tokens WHERE token_hash = #{tokenHash}";
  private static final String USE_TOKEN =
      "UPDATE enrollment_tokens SET used_at = #{at} "
          + "WHERE token_hash = #{tokenHash} AND device_id = #{deviceId} AND used_at IS NULL AND expires_at > #{at} "
          + "AND EXISTS (SELECT 1 FROM devices WHERE id = #{deviceId} AND state IN ('PENDING', 'ENROLLED'))";
  /** Records the device's current certificate, unless it is {@code #{keep}} (the one being installed). */
  private static final String RECORD_REVOKED_SERIAL =
      "INSERT INTO revoked_certificates (serial, device_id, revoked_at) "
          + "SELECT certificate_serial, id, #{at} FROM devices "
          + "WHERE id = #{deviceId} AND certificate_serial IS NOT NULL AND certificate_serial <> #{keep} "
          + "ON CONFLICT (serial) DO NOTHING";
  /** Returns the updated row, which saves the enrollment a read of it. */
  private static final String SET_ENROLLED =
      "UPDATE devices SET state = 'ENROLLED', enrolled_at = #{at}, certificate_serial = #{certificateSerial}, "
          + "certificate_not_after = #{certificateNotAfter}, beacon_key = #{beaconKey} WHERE id = #{deviceId} "
          + "RETURNING " + DEVICE_COLUMNS;
  private static final String SET_NAME =
      "UPDATE devices SET name = #{name} WHERE id = #{deviceId} RETURNING " + DEVICE_COLUMNS;
  private static final String SET_REVOKED =
      "UPDATE devices SET state = 'REVOKED', revoked_at = #{at} WHERE id = #{deviceId} AND state <> 'REVOKED'";
  private static final String DELETE_UNUSED_TOKENS =
      "DELETE FROM enrollment_tokens WHERE device_id = #{deviceId} AND used_at IS NULL";
  private static final String DELETE_DEVICE = "DELETE FROM devices WHERE id = #{deviceId}";
  private static final String DELETE_APPLIANCES = "DELETE FROM device_appliances WHERE device_id = #{deviceId}";
  private static final String INSERT_APPLIANCE = "INSERT INTO device_appliances (device_id, plugin, appliance_type, "
      + "address, reported_at) VALUES (#{deviceId}, #{plugin}, #{type}, #{address}, #{at}) ON CONFLICT DO NOTHING";
  private static final String SELECT_APPLIANCES = "SELECT plugin, appliance_type, address FROM device_appliances "
      + "WHERE device_id = #{deviceId} ORDER BY plugin, appliance_type, address";
  private static final String DELETE_GROUPS = "DELETE FROM device_groups WHERE device_id = #{deviceId}";
  private static final String INSERT_GROUP =
      "INSERT INTO device_groups (device_id, group_name) VALUES (#{deviceId}, #{group}) ON CONFLICT DO NOTHING";
  private static final String SELECT_GROUPS =
      "SELECT group_name FROM device_groups WHERE device_id = #{deviceId} ORDER BY group_name";
  private static final String ALL_GROUPS = "SELECT device_id, group_name FROM device_groups ORDER BY device_id, group_name";
  private static final String DEVICE_EXISTS = "SELECT id FROM devices WHERE id = #{deviceId}";
  private static final String REVOKED_IDS = "SELECT id FROM devices WHERE state = 'REVOKED' ORDER BY id";
  private static final String REVOKED_SERIALS = "SELECT serial FROM revoked_certificates ORDER BY revoked_at, serial";

  /** SQLite's message for a violated UNIQUE or PRIMARY KEY constraint names table and column. */
  private static final Pattern UNIQUE_VIOLATION = Pattern.compile("UNIQUE constraint failed: (\\w+)\\.(\\w+)");

  /** A serial no certificate has: {@code certificate_serial <> #{keep}} then keeps every serial. */
  private static final String NO_SERIAL = "";

  private final Pool pool;
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
        .recover(e -> Future.failedFuture(duplicateOr(e, device.id(), device.name())))
        .onSuccess(v -> LOG.debug("created device {}", device.id()));
  }

  /** Maps a violated unique constraint to {@link Refusal.Duplicate}, anything else to itself. */
  private static Throwable duplicateOr(Throwable failure, String id, String name) {
    Matcher m = UNIQUE_VIOLATION.matcher(String.valueOf(sqlMessage(failure)));
    if (!m.find()) {
      return failure;
    }
    String column = m.group(1) + "." + m.group(2);
    switch (column) {
      case "devices.id":
        return new Refusal.Duplicate("id", "a device with id '" + id + "' already exists");
      case "devices.name":
        return new Refusal.Duplicate("name", "a device named '" + name + "' already exists");
      case "enrollment_tokens.token_hash":
        return new Refusal.Duplicate("tokenHash", "this enrollment token is already stored");
      default:
        return new Refusal.Duplicate(m.group(2), "unique value already taken: " + column);
    }
  }

  // ----------------------------------------------------------------------------------------- reads

  /** On the store's readers: every command created looks its device up, so this read is on the command path. */
  @Override
  public Future<Optional<Device>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return readers.read(session -> findDevice(session, id));
  }

  private static Optional<Device> findDevice(JdbcSession session, String id) throws SQLException {
    return session.query(SELECT_DEVICE, Map.of("id", id), SqliteDeviceRepository::toDevice).stream().findFirst();
  }

  private static Future<Optional<Device>> findDevice(SqlClient client, String id) {
    return queryOne(client, SELECT_DEVICE, SqliteDeviceRepository::toDevice, Map.of("id", id));
  }

  @Override
  public Future<Optional<Device>> findByName(String name) {
    Objects.requireNonNull(name, "name");
    return readers.read(session -> session.query(SELECT_DEVICE_BY_NAME, Map.of("name", name),
        SqliteDeviceRepository::toDevice).stream().findFirst());
  }

  @Override
  public Future<List<Device>> list(int offset, int limit) {
    if (offset < 0 || limit < 0) {
      return Future.failedFuture(new IllegalArgumentException(
          "offset and limit must be >= 0, got offset " + offset + ", limit " + limit));
    }
    if (limit == 0) {
      return Future.succeededFuture(List.of());
    }
    return queryAll(pool, LIST_DEVICES, SqliteDeviceRepository::toDevice, Map.of("offset", offset, "limit", limit));
  }

  @Override
  public Future<List<Device>> listEnrolled() {
    return queryAll(pool, LIST_ENROLLED, SqliteDeviceRepository::toDevice, Map.of());
  }

  @Override
  public Future<Optional<EnrollmentToken>> findToken(String tokenHash) {
    Objects.requireNonNull(tokenHash, "tokenHash");
    return readers.read(session -> findToken(session, tokenHash));
  }

  private static Optional<EnrollmentToken> findToken(JdbcSession session, String tokenHash) throws SQLException {
    return session.query(SELECT_TOKEN, Map.of("tokenHash", tokenHash), SqliteDeviceRepository::toToken).stream()
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
            chain = chain.compose(n -> update(conn, INSERT_APPLIANCE, Map.of("deviceId", deviceId, "plugin", a.plugin(),
                "type", a.type(), "address", a.address(), "at", millis(at))));
          }
          return chain.<Void>mapEmpty();
        }));
  }

  @Override
  public Future<List<HostedAppliance>> appliances(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    return queryAll(pool, SELECT_APPLIANCES, row -> new HostedAppliance(row.getString("plugin"), row.getString("appliance_type"), row.getString("address")), Map.of("deviceId", deviceId));
  }

  @Override
  public Future<Device> rename(String deviceId, String name) {
    Objects.requireNonNull(deviceId, "deviceId");
    Map<String, Object> p = new HashMap<>();
    p.put("deviceId", deviceId);
    p.put("name", name);
    return serialized(() -> queryOne(pool, SET_NAME, SqliteDeviceRepository::toDevice, p))
        .recover(e -> Future.failedFuture(duplicateOr(e, deviceId, name)))
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
    Objects.requireNonNull(deviceId, "deviceId");
    return queryAll(pool, SELECT_GROUPS, row -> row.getString("group_name"), Map.of("deviceId", deviceId))
        .map(names -> java.util.Collections.unmodifiableSet(new TreeSet<>(names)));
  }

  @Override
  public Future<Map<String, Set<String>>> allGroups() {
    return SqlTemplate.forQuery(pool, ALL_GROUPS).execute(Map.of()).map(rows -> {
      Map<String, Set<String>> out = new HashMap<>();
      for (Row row : rows) {
        out.computeIfAbsent(row.getString("device_id"), k -> new TreeSet<>()).add(row.getString("group_name"));
      }
      return out;
    });
  }

  @Override
  public Future<List<String>> listRevokedIds() {
    return queryAll(pool, REVOKED_IDS, row -> row.getString("id"), Map.of());
  }

  @Override
  public Future<List<String>> revokedCertificateSerials() {
    return queryAll(pool, REVOKED_SERIALS, row -> row.getString("serial"), Map.of());
  }

  // -------------------------------------------------------------------------------------- addToken

  @Override
  public Future<Void> addToken(EnrollmentToken token) {
    Objects.requireNonNull(token, "token");
    // one statement: the token is inserted only if the device exists and is not revoked
    return serialized(() -> update(pool, INSERT_TOKEN_FOR_ACTIVE_DEVICE, tokenParams(token)))
        .recover(e -> Future.failedFuture(duplicateOr(e, token.deviceId(), null)))
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
    Map<String, Object> p = new HashMap<>();
    p.put("tokenHash", enrollment.tokenHash());
    p.put("deviceId", deviceId);
    p.put("at", millis(enrollment.at()));
    p.put("keep", enrollment.certificateSerial());
    p.put("certificateSerial", enrollment.certificateSerial());
    p.put("certificateNotAfter", millis(enrollment.certificateNotAfter()));
    p.put("beaconKey", enrollment.beaconKey().clone());
    return writer.write(session -> {
          if (session.update(USE_TOKEN, p) != 1) {
            throw whyNotEnrollable(session, enrollment);
          }
          session.update(RECORD_REVOKED_SERIAL, p);
          return session.query(SET_ENROLLED, p, SqliteDeviceRepository::toDevice).stream().findFirst()
              .orElseThrow(() -> new StoreException("device " + deviceId + " vanished"));
        })
        .onSuccess(d -> LOG.debug("enrolled device {} with certificate {}", deviceId, d.certificateSerial()));
  }

  /** Explains why the conditional token update matched no row; runs inside the failing write. */
  private static Refusal.Conflict whyNotEnrollable(JdbcSession session, Enrollment enrollment) throws SQLException {
    String deviceId = enrollment.deviceId();
    Optional<EnrollmentToken> token = findToken(session, enrollment.tokenHash());
    Optional<Device> device = findDevice(session, deviceId);
    String reason;
    if (token.isEmpty()) {
      reason = "the enrollment token is not known (never issued, or deleted when the device was revoked or deleted)";
    } else if (!token.get().deviceId().equals(deviceId)) {
      reason = "the enrollment token was issued for another device";
    } else if (device.isEmpty()) {
      reason = "the device does not exist";
    } else if (device.get().state() == DeviceState.REVOKED) {
      reason = "the device is revoked";
    } else if (token.get().isUsed()) {
      reason = "the enrollment token was already used at " + token.get().usedAt();
    } else if (token.get().isExpiredAt(enrollment.at())) {
      reason = "the enrollment token expired at " + token.get().expiresAt();
    } else {
      reason = "the device is not enrollable";
    }
    LOG.debug("enrollment of {} refused: {} (token hash {})", deviceId, reason, enrollment.tokenHash());
    return new Refusal.Conflict("cannot enroll device " + deviceId + ": " + reason);
  }

  // ---------------------------------------------------------------------------------------- revoke

  @Override
  public Future<Optional<Device>> revoke(String id, Instant at) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(at, "at");
    Map<String, Object> p = new HashMap<>();
    p.put("deviceId", id);
    p.put("at", millis(at));
    p.put("keep", NO_SERIAL);
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
    Map<String, Object> p = new HashMap<>();
    p.put("deviceId", id);
    p.put("at", millis(at));
    p.put("keep", NO_SERIAL);
    // the revocation record is written first (a no-op for an unknown device), so the transaction
    // starts with a write; a device revoked earlier keeps its first revocation time
    return writeTransaction(conn -> update(conn, RECORD_REVOKED_SERIAL, p)
        .compose(v -> findDevice(conn, id))
        .compose(device -> device.isEmpty()
            ? Future.succeededFuture(device)
            : update(conn, DELETE_DEVICE, p).map(n -> device)))
        .onSuccess(d -> d.ifPresent(device -> LOG.debug("deleted device {}", id)));
  }

  // --------------------------------------------------------------------------------------- helpers

  private static Map<String, Object> deviceParams(Device d) {
    Map<String, Object> p = new HashMap<>();
    p.put("id", d.id());
    p.put("name", d.name());
    p.put("vendor", d.vendor());
    p.put("metadata", d.metadataJson());
    p.put("state", d.state().name());
    p.put("createdAt", millis(d.createdAt()));
    p.put("enrolledAt", millis(d.enrolledAt()));
    p.put("revokedAt", millis(d.revokedAt()));
    p.put("certificateSerial", d.certificateSerial());
    p.put("certificateNotAfter", millis(d.certificateNotAfter()));
    p.put("beaconKey", d.beaconKey() == null ? null : d.beaconKey().clone());
    return p;
  }

  private static Map<String, Object> tokenParams(EnrollmentToken t) {
    Map<String, Object> p = new HashMap<>();
    p.put("tokenHash", t.tokenHash());
    p.put("deviceId", t.deviceId());
    p.put("createdAt", millis(t.createdAt()));
    p.put("expiresAt", millis(t.expiresAt()));
    p.put("usedAt", millis(t.usedAt()));
    return p;
  }

  static Device toDevice(Row row) {
    return toDevice(row::getValue);
  }

  static Device toDevice(Columns row) {
    return new Device(
        (String) row.value("id"),
        (String) row.value("name"),
        (String) row.value("vendor"),
        (String) row.value("metadata"),
        DeviceState.valueOf((String) row.value("state")),
        instant(row, "created_at"),
        instant(row, "enrolled_at"),
        instant(row, "revoked_at"),
        (String) row.value("certificate_serial"),
        instant(row, "certificate_not_after"),
        bytes(row, "beacon_key"));
  }

  static EnrollmentToken toToken(Columns row) {
    return new EnrollmentToken(
        (String) row.value("token_hash"),
        (String) row.value("device_id"),
        instant(row, "created_at"),
        instant(row, "expires_at"),
        instant(row, "used_at"));
  }
}
