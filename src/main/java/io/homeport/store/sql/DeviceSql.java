package io.homeport.store.sql;

import static io.homeport.store.sql.SqlRows.bytes;
import static io.homeport.store.sql.SqlRows.instant;
import static io.homeport.store.sql.SqlRows.millis;

import io.homeport.device.Device;
import io.homeport.device.DeviceState;
import io.homeport.device.Enrollment;
import io.homeport.device.EnrollmentToken;
import io.homeport.device.HostedAppliance;
import io.homeport.refusal.Refusal;
import io.homeport.store.sql.SqlRows.Columns;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The device repository's SQL, parameters, row mapping and refusals, shared by the SQLite and PostgreSQL
 * adapters (which differ in how they run the statements, not in the statements). Conditions are checked
 * by the writes themselves ({@code UPDATE ... WHERE} with the condition, constraint violations), so two
 * concurrent callers cannot both pass a check.
 */
public final class DeviceSql {
  private DeviceSql() {}

  private static final String DEVICE_COLUMNS =
      "id, name, vendor, metadata, state, created_at, enrolled_at, revoked_at, "
          + "certificate_serial, certificate_not_after, beacon_key";
  private static final String TOKEN_COLUMNS = "token_hash, device_id, created_at, expires_at, used_at";

  public static final String INSERT_DEVICE =
      "INSERT INTO devices (" + DEVICE_COLUMNS + ") VALUES (#{id}, #{name}, #{vendor}, #{metadata}, #{state}, "
          + "#{createdAt}, #{enrolledAt}, #{revokedAt}, #{certificateSerial}, #{certificateNotAfter}, #{beaconKey})";
  public static final String INSERT_TOKEN =
      "INSERT INTO enrollment_tokens (" + TOKEN_COLUMNS + ") "
          + "VALUES (#{tokenHash}, #{deviceId}, #{createdAt}, #{expiresAt}, #{usedAt})";
  public static final String INSERT_TOKEN_FOR_ACTIVE_DEVICE =
      "INSERT INTO enrollment_tokens (" + TOKEN_COLUMNS + ") "
          + "SELECT #{tokenHash}, #{deviceId}, #{createdAt}, #{expiresAt}, #{usedAt} "
          + "WHERE EXISTS (SELECT 1 FROM devices WHERE id = #{deviceId} AND state <> 'REVOKED')";
  public static final String SELECT_DEVICE = "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE id = #{id}";
  public static final String SELECT_DEVICE_BY_NAME =
      "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE name = #{name}";
  public static final String LIST_DEVICES =
      "SELECT " + DEVICE_COLUMNS + " FROM devices ORDER BY created_at, id LIMIT #{limit} OFFSET #{offset}";
  public static final String LIST_ENROLLED =
      "SELECT " + DEVICE_COLUMNS + " FROM devices WHERE state = 'ENROLLED' ORDER BY created_at, id";
  public static final String SELECT_TOKEN =
      "SELECT " + TOKEN_COLUMNS + " FROM enrollment_tokens WHERE token_hash = #{tokenHash}";
  public static final String USE_TOKEN =
      "UPDATE enrollment_tokens SET used_at = #{at} "
          + "WHERE token_hash = #{tokenHash} AND device_id = #{deviceId} AND used_at IS NULL AND expires_at > #{at} "
          + "AND EXISTS (SELECT 1 FROM devices WHERE id = #{deviceId} AND state IN ('PENDING', 'ENROLLED'))";
  /** Records the device's current certificate, unless it is {@code #{keep}} (the one being installed). */
  public static final String RECORD_REVOKED_SERIAL =
      "INSERT INTO revoked_certificates (serial, device_id, revoked_at) "
          + "SELECT certificate_serial, id, #{at} FROM devices "
          + "WHERE id = #{deviceId} AND certificate_serial IS NOT NULL AND certificate_serial <> #{keep} "
          + "ON CONFLICT (serial) DO NOTHING";
  /** Returns the updated row, which saves the enrollment a read of it. */
  public static final String SET_ENROLLED =
      "UPDATE devices SET state = 'ENROLLED', enrolled_at = #{at}, certificate_serial = #{certificateSerial}, "
          + "certificate_not_after = #{certificateNotAfter}, beacon_key = #{beaconKey} WHERE id = #{deviceId} "
          + "RETURNING " + DEVICE_COLUMNS;
  public static final String SET_NAME =
      "UPDATE devices SET name = #{name} WHERE id = #{deviceId} RETURNING " + DEVICE_COLUMNS;
  public static final String SET_REVOKED =
      "UPDATE devices SET state = 'REVOKED', revoked_at = #{at} WHERE id = #{deviceId} AND state <> 'REVOKED'";
  public static final String DELETE_UNUSED_TOKENS =
      "DELETE FROM enrollment_tokens WHERE device_id = #{deviceId} AND used_at IS NULL";
  public static final String DELETE_DEVICE = "DELETE FROM devices WHERE id = #{deviceId}";
  public static final String DELETE_APPLIANCES = "DELETE FROM device_appliances WHERE device_id = #{deviceId}";
  public static final String INSERT_APPLIANCE = "INSERT INTO device_appliances (device_id, plugin, appliance_type, "
      + "address, reported_at) VALUES (#{deviceId}, #{plugin}, #{type}, #{address}, #{at}) ON CONFLICT DO NOTHING";
  public static final String SELECT_APPLIANCES = "SELECT plugin, appliance_type, address FROM device_appliances "
      + "WHERE device_id = #{deviceId} ORDER BY plugin, appliance_type, address";
  public static final String DELETE_GROUPS = "DELETE FROM device_groups WHERE device_id = #{deviceId}";
  public static final String INSERT_GROUP =
      "INSERT INTO device_groups (device_id, group_name) VALUES (#{deviceId}, #{group}) ON CONFLICT DO NOTHING";
  public static final String SELECT_GROUPS =
      "SELECT group_name FROM device_groups WHERE device_id = #{deviceId} ORDER BY group_name";
  public static final String ALL_GROUPS =
      "SELECT device_id, group_name FROM device_groups ORDER BY device_id, group_name";
  public static final String DEVICE_EXISTS = "SELECT id FROM devices WHERE id = #{deviceId}";
  public static final String REVOKED_IDS = "SELECT id FROM devices WHERE state = 'REVOKED' ORDER BY id";
  public static final String REVOKED_SERIALS =
      "SELECT serial FROM revoked_certificates ORDER BY revoked_at, serial";

  /** A serial no certificate has: {@code certificate_serial <> #{keep}} then keeps every serial. */
  public static final String NO_SERIAL = "";

  /** Maps a violated unique constraint to {@link Refusal.Duplicate}, anything else to itself. */
  public static Throwable duplicateOr(SqlDialect dialect, Throwable failure, String id, String name) {
    Optional<String> taken = dialect.uniqueViolation(failure);
    if (taken.isEmpty()) {
      return failure;
    }
    String column = taken.get();
    switch (column) {
      case "devices.id":
        return new Refusal.Duplicate("id", "a device with id '" + id + "' already exists");
      case "devices.name":
        return new Refusal.Duplicate("name", "a device named '" + name + "' already exists");
      case "enrollment_tokens.token_hash":
        return new Refusal.Duplicate("tokenHash", "this enrollment token is already stored");
      default:
        return new Refusal.Duplicate(column.substring(column.indexOf('.') + 1), "unique value already taken: " + column);
    }
  }

  /**
   * Why the conditional token update ({@link #USE_TOKEN}) matched no row, from the token and the device as
   * the failing write found them.
   */
  public static Refusal.Conflict notEnrollable(Enrollment enrollment, Optional<EnrollmentToken> token,
      Optional<Device> device) {
    String reason;
    if (token.isEmpty()) {
      reason = "the enrollment token is not known (never issued, or deleted when the device was revoked or deleted)";
    } else if (!token.get().deviceId().equals(enrollment.deviceId())) {
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
    return new Refusal.Conflict("cannot enroll device " + enrollment.deviceId() + ": " + reason);
  }

  /** The parameters of {@link #USE_TOKEN}, {@link #RECORD_REVOKED_SERIAL} and {@link #SET_ENROLLED}. */
  public static Map<String, Object> enrollmentParams(Enrollment enrollment) {
    Map<String, Object> p = new HashMap<>();
    p.put("tokenHash", enrollment.tokenHash());
    p.put("deviceId", enrollment.deviceId());
    p.put("at", millis(enrollment.at()));
    p.put("keep", enrollment.certificateSerial());
    p.put("certificateSerial", enrollment.certificateSerial());
    p.put("certificateNotAfter", millis(enrollment.certificateNotAfter()));
    p.put("beaconKey", enrollment.beaconKey().clone());
    return p;
  }

  /** The parameters of {@link #SET_REVOKED}, {@link #RECORD_REVOKED_SERIAL} (keeping no serial) and the deletes. */
  public static Map<String, Object> removalParams(String deviceId, Instant at) {
    Map<String, Object> p = new HashMap<>();
    p.put("deviceId", deviceId);
    p.put("at", millis(at));
    p.put("keep", NO_SERIAL);
    return p;
  }

  public static Map<String, Object> applianceParams(String deviceId, HostedAppliance a, Instant at) {
    return Map.of("deviceId", deviceId, "plugin", a.plugin(), "type", a.type(), "address", a.address(),
        "at", millis(at));
  }

  public static Map<String, Object> deviceParams(Device d) {
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

  public static Map<String, Object> tokenParams(EnrollmentToken t) {
    Map<String, Object> p = new HashMap<>();
    p.put("tokenHash", t.tokenHash());
    p.put("deviceId", t.deviceId());
    p.put("createdAt", millis(t.createdAt()));
    p.put("expiresAt", millis(t.expiresAt()));
    p.put("usedAt", millis(t.usedAt()));
    return p;
  }

  public static Device toDevice(Row row) {
    return toDevice(row::getValue);
  }

  public static Device toDevice(Columns row) {
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

  public static EnrollmentToken toToken(Row row) {
    return toToken(row::getValue);
  }

  public static EnrollmentToken toToken(Columns row) {
    return new EnrollmentToken(
        (String) row.value("token_hash"),
        (String) row.value("device_id"),
        instant(row, "created_at"),
        instant(row, "expires_at"),
        instant(row, "used_at"));
  }

  public static HostedAppliance toAppliance(Row row) {
    return new HostedAppliance(row.getString("plugin"), row.getString("appliance_type"), row.getString("address"));
  }
}
