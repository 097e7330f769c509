package io.homeport.store.sql;

import static io.homeport.store.sql.DeviceSql.ALL_GROUPS;
import static io.homeport.store.sql.DeviceSql.LIST_DEVICES;
import static io.homeport.store.sql.DeviceSql.LIST_ENROLLED;
import static io.homeport.store.sql.DeviceSql.REVOKED_IDS;
import static io.homeport.store.sql.DeviceSql.REVOKED_SERIALS;
import static io.homeport.store.sql.DeviceSql.SELECT_APPLIANCES;
import static io.homeport.store.sql.DeviceSql.SELECT_GROUPS;
import static io.homeport.store.sql.SqlRows.queryAll;

import io.homeport.device.Device;
import io.homeport.device.HostedAppliance;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The device repository's reads that are the same statement and the same mapping on SQLite and on
 * PostgreSQL, run on the client the adapter gives (its pool). Reads an adapter routes elsewhere (SQLite's
 * JDBC readers for the hot lookups) stay in the adapter.
 */
public final class DeviceReads {
  private final SqlClient client;

  public DeviceReads(SqlClient client) {
    this.client = client;
  }

  public Future<List<Device>> list(int offset, int limit) {
    if (offset < 0 || limit < 0) {
      return Future.failedFuture(new IllegalArgumentException(
          "offset and limit must be >= 0, got offset " + offset + ", limit " + limit));
    }
    if (limit == 0) {
      return Future.succeededFuture(List.of());
    }
    return queryAll(client, LIST_DEVICES, DeviceSql::toDevice, Map.of("offset", offset, "limit", limit));
  }

  public Future<List<Device>> listEnrolled() {
    return queryAll(client, LIST_ENROLLED, DeviceSql::toDevice, Map.of());
  }

  public Future<List<HostedAppliance>> appliances(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    return queryAll(client, SELECT_APPLIANCES, DeviceSql::toAppliance, Map.of("deviceId", deviceId));
  }

  public Future<Set<String>> groups(String deviceId) {
    Objects.requireNonNull(deviceId, "deviceId");
    return queryAll(client, SELECT_GROUPS, row -> row.getString("group_name"), Map.of("deviceId", deviceId))
        .map(names -> Collections.unmodifiableSet(new TreeSet<>(names)));
  }

  public Future<Map<String, Set<String>>> allGroups() {
    return queryAll(client, ALL_GROUPS, row -> row, Map.of()).map(rows -> {
      Map<String, Set<String>> out = new HashMap<>();
      for (Row row : rows) {
        out.computeIfAbsent(row.getString("device_id"), k -> new TreeSet<>()).add(row.getString("group_name"));
      }
      return out;
    });
  }

  public Future<List<String>> listRevokedIds() {
    return queryAll(client, REVOKED_IDS, row -> row.getString("id"), Map.of());
  }

  public Future<List<String>> revokedCertificateSerials() {
    return queryAll(client, REVOKED_SERIALS, row -> row.getString("serial"), Map.of());
  }
}
