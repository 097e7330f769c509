package io.homeport.store.sql;

import static io.homeport.store.CommandSql.DUE;
import static io.homeport.store.CommandSql.UNDELIVERED;
import static io.homeport.store.CommandSql.stateIn;
import static io.homeport.store.sql.SqlRows.bytes;
import static io.homeport.store.sql.SqlRows.flag;
import static io.homeport.store.sql.SqlRows.instant;
import static io.homeport.store.sql.SqlRows.millis;
import static io.homeport.store.sql.SqlRows.number;

import io.homeport.command.ApplianceTarget;
import io.homeport.command.Command;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandState;
import io.homeport.refusal.Refusal;
import io.homeport.store.CommandSql;
import io.homeport.store.StoreException;
import io.homeport.store.sql.SqlRows.Columns;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The command repository's statements, parameters, row mapping and refusals, shared by the SQLite and
 * PostgreSQL adapters. Every state change is one conditional {@code UPDATE ... WHERE <state it leaves>
 * ... RETURNING}, so the write itself decides who wins and reports exactly the rows it changed. The
 * statements about one device's due commands take the table expression: SQLite names the index it must
 * use there (see {@code SqliteCommandRepository}). State sets and the due condition come from {@link
 * CommandSql}.
 *
 * <p>{@code RETURNING} gives rows in no defined order; adapters sort lists {@link #OLDEST_FIRST}.
 */
public final class CommandStatements {
  private CommandStatements() {}

  private static final String COLUMNS =
      "id, device_id, action, params, state, created_at, not_before, expires_at, idempotency_key, retryable, "
          + "delivered_at, result_deadline, completed_at, result_status, result_code, result_data, deliveries, "
          + "plugin, appliance_type, appliance_address, payload, payload_type";

  public static final String INSERT =
      "INSERT INTO commands (" + COLUMNS + ") VALUES (#{id}, #{deviceId}, #{action}, #{params}, #{state}, "
          + "#{createdAt}, #{notBefore}, #{expiresAt}, #{idempotencyKey}, #{retryable}, #{deliveredAt}, "
          + "#{resultDeadline}, #{completedAt}, #{resultStatus}, #{resultCode}, #{resultData}, #{deliveries}, "
          + "#{plugin}, #{applianceType}, #{applianceAddress}, #{payload}, #{payloadType}) "
          + "ON CONFLICT (device_id, idempotency_key) DO NOTHING";
  public static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM commands WHERE id = #{id}";
  public static final String SELECT_BY_DEVICE = "SELECT " + COLUMNS + " FROM commands WHERE device_id = #{deviceId}";
  public static final String SELECT_BY_KEY =
      "SELECT " + COLUMNS + " FROM commands WHERE device_id = #{deviceId} AND idempotency_key = #{idempotencyKey}";
  public static final String COMPLETE =
      "UPDATE commands SET state = #{state}, completed_at = #{now}, result_status = #{resultStatus}, "
          + "result_code = #{resultCode}, result_data = #{resultData} "
          + "WHERE id = #{id} AND device_id = #{deviceId} AND " + stateIn(CommandState.ACCEPTING_RESULT) + " "
          + "RETURNING " + COLUMNS;
  public static final String CANCEL =
      "UPDATE commands SET state = 'CANCELLED', completed_at = #{now} "
          + "WHERE id = #{id} AND " + UNDELIVERED + " "
          + "RETURNING " + COLUMNS;
  public static final String EXPIRE =
      "UPDATE commands SET state = 'EXPIRED', completed_at = #{now} "
          + "WHERE " + UNDELIVERED + " AND expires_at <= #{now} "
          + "RETURNING " + COLUMNS;
  /** Retryable, unexpired commands past their result deadline go back to the queue. */
  public static final String REQUEUE =
      "UPDATE commands SET state = 'QUEUED', delivered_at = NULL, result_deadline = NULL "
          + "WHERE state = 'DELIVERED' AND result_deadline <= #{now} AND retryable AND expires_at > #{now} "
          + "RETURNING " + COLUMNS;
  /** Runs after {@link #REQUEUE} in the same transaction: what is still DELIVERED and overdue times out. */
  public static final String TIME_OUT =
      "UPDATE commands SET state = 'TIMED_OUT', completed_at = #{now} "
          + "WHERE state = 'DELIVERED' AND result_deadline <= #{now} "
          + "RETURNING " + COLUMNS;
  public static final String DEVICES_WITH_DUE =
      "SELECT DISTINCT device_id FROM commands WHERE " + DUE + " ORDER BY device_id";
  public static final String DEVICES_WITH_UNANSWERED = "SELECT DISTINCT device_id FROM commands "
      + "WHERE state = 'DELIVERED' AND delivered_at < #{before} ORDER BY device_id";

  /** Oldest first: creation time, then id. */
  public static final Comparator<Command> OLDEST_FIRST =
      Comparator.comparing(Command::createdAt).thenComparing(Command::id);

  /** The device's due commands, oldest first, at most {@code #{limit}}; {@code commands} names the table. */
  public static String selectDue(String commands) {
    return "SELECT " + COLUMNS + " FROM " + commands + " WHERE device_id = #{deviceId} AND " + DUE
        + " ORDER BY created_at, id LIMIT #{limit}";
  }

  /** What a hello may hand out: due commands and deliveries unanswered since {@code #{unansweredBefore}}. */
  public static String selectToOffer(String commands) {
    return "SELECT " + COLUMNS + " FROM " + commands + " WHERE device_id = #{deviceId} AND "
        + stateIn(CommandState.OPEN)
        + " AND ((" + DUE + ") OR (state = 'DELIVERED' AND delivered_at < #{unansweredBefore}))"
        + " ORDER BY created_at, id LIMIT #{limit}";
  }

  /**
   * One statement: the sub-select picks the oldest due commands and the update moves exactly those still
   * undelivered when it reaches them; {@code RETURNING} reports only what this call changed. {@code
   * rowLock} ends the sub-select: empty on SQLite (one writer at a time), a clause skipping the rows
   * concurrent deliveries hold on PostgreSQL, so that each picks commands the others did not.
   */
  public static String deliver(String commands, String rowLock) {
    return "UPDATE commands SET state = 'DELIVERED', delivered_at = #{now}, result_deadline = #{deadline}, "
        + "deliveries = deliveries + 1 "
        + "WHERE id IN (SELECT id FROM " + commands + " WHERE device_id = #{deviceId} AND " + DUE
        + " ORDER BY created_at, id LIMIT #{limit}" + rowLock + ") "
        + "AND " + UNDELIVERED + " "
        + "RETURNING " + COLUMNS;
  }

  /** The device's due commands that are still QUEUED (WOKEN ones stay as they are). */
  public static String markWoken(String commands) {
    return "UPDATE " + commands + " SET state = 'WOKEN' "
        + "WHERE device_id = #{deviceId} AND state = 'QUEUED' AND " + DUE + " "
        + "RETURNING " + COLUMNS;
  }

  /** A failed create as the contract names it: an unknown device, an id taken, or the failure itself. */
  public static Throwable createFailure(SqlDialect dialect, Throwable failure, Command command) {
    if (dialect.isForeignKeyViolation(failure)) {
      return new Refusal.NotFound("device " + command.deviceId() + " does not exist");
    }
    if (dialect.uniqueViolation(failure).filter("commands.id"::equals).isPresent()) {
      return new Refusal.Duplicate("id", "a command with id '" + command.id() + "' already exists");
    }
    return failure;
  }

  /** Why {@link #COMPLETE} changed no row, from the command as the failing write found it. */
  public static RuntimeException notCompletable(String id, String deviceId, Optional<Command> found) {
    if (found.isEmpty() || !found.get().deviceId().equals(deviceId)) {
      // a command of another device is reported as missing: a device learns nothing about others
      return new Refusal.NotFound("device " + deviceId + " has no command " + id);
    }
    CommandState state = found.get().state();
    String reason = switch (state) {
      case SUCCEEDED, FAILED -> "it already has a result (" + state.wireName() + ")";
      case QUEUED, WOKEN -> "it was not delivered (" + state.wireName() + ")";
      case EXPIRED -> "it expired before it was delivered";
      case CANCELLED -> "it was cancelled before it was delivered";
      default -> "it is " + state.wireName();
    };
    return new Refusal.Conflict("cannot record a result for command " + id + ": " + reason);
  }

  /** Why {@link #CANCEL} changed no row. */
  public static RuntimeException notCancellable(String id, Optional<Command> found) {
    return found.isEmpty()
        ? new Refusal.NotFound("command " + id + " does not exist")
        : new Refusal.Conflict("cannot cancel command " + id + ": it is " + found.get().state().wireName());
  }

  /** The parameters of {@link #COMPLETE}. */
  public static Map<String, Object> completeParams(String id, String deviceId, CommandResult result, long now) {
    Map<String, Object> p = new HashMap<>();
    p.put("id", id);
    p.put("deviceId", deviceId);
    p.put("state", result.finalState().name());
    p.put("now", now);
    p.put("resultStatus", result.status().wireName());
    p.put("resultCode", result.code());
    p.put("resultData", result.dataJson());
    return p;
  }

  /** The parameters of {@link #INSERT}. */
  public static Map<String, Object> params(SqlDialect dialect, Command c) {
    Map<String, Object> p = new HashMap<>();
    p.put("id", c.id());
    p.put("deviceId", c.deviceId());
    p.put("action", c.action());
    p.put("params", c.paramsJson());
    p.put("state", c.state().name());
    p.put("createdAt", millis(c.createdAt()));
    p.put("notBefore", millis(c.notBefore()));
    p.put("expiresAt", millis(c.expiresAt()));
    p.put("idempotencyKey", c.idempotencyKey());
    p.put("retryable", dialect.flag(c.retryable()));
    p.put("deliveredAt", millis(c.deliveredAt()));
    p.put("resultDeadline", millis(c.resultDeadline()));
    p.put("completedAt", millis(c.completedAt()));
    CommandResult result = c.result();
    p.put("resultStatus", result == null ? null : result.status().wireName());
    p.put("resultCode", result == null ? null : result.code());
    p.put("resultData", result == null ? null : result.dataJson());
    p.put("deliveries", c.deliveries());
    ApplianceTarget t = c.target();
    p.put("plugin", t == null ? null : t.plugin());
    p.put("applianceType", t == null ? null : t.applianceType());
    p.put("applianceAddress", t == null ? null : t.applianceAddress());
    p.put("payload", t == null ? null : t.payload());
    p.put("payloadType", t == null ? null : t.payloadType());
    return p;
  }

  public static Command toCommand(Columns row) {
    return new Command(
        (String) row.value("id"),
        (String) row.value("device_id"),
        (String) row.value("action"),
        (String) row.value("params"),
        CommandState.valueOf((String) row.value("state")),
        instant(row, "created_at"),
        instant(row, "not_before"),
        instant(row, "expires_at"),
        (String) row.value("idempotency_key"),
        flag(row, "retryable"),
        instant(row, "delivered_at"),
        instant(row, "result_deadline"),
        instant(row, "completed_at"),
        result(row),
        (int) number(row, "deliveries"),
        target(row));
  }

  private static ApplianceTarget target(Columns row) {
    String plugin = (String) row.value("plugin");
    if (plugin == null) {
      return null;
    }
    return new ApplianceTarget(plugin, (String) row.value("appliance_type"), (String) row.value("appliance_address"),
        bytes(row, "payload"), (String) row.value("payload_type"));
  }

  private static CommandResult result(Columns row) {
    String status = (String) row.value("result_status");
    if (status == null) {
      return null;
    }
    CommandResult.Status parsed = CommandResult.Status.fromWireName(status)
        .orElseThrow(() -> new StoreException("column result_status holds an unknown status '" + status + "'"));
    return new CommandResult(parsed, (String) row.value("result_code"), (String) row.value("result_data"));
  }

  /**
   * The statement and parameters of a device's commands, oldest first, in these states (all when empty):
   * both stores list them alike.
   *
   * @return empty for a limit of 0 (nothing to read)
   * @throws IllegalArgumentException for a negative offset or limit
   */
  public static java.util.Optional<Map.Entry<String, Map<String, Object>>> listByDevice(String deviceId,
      java.util.Set<CommandState> states, int offset, int limit) {
    java.util.Objects.requireNonNull(deviceId, "deviceId");
    java.util.Objects.requireNonNull(states, "states");
    states.forEach(s -> java.util.Objects.requireNonNull(s, "states contains null"));
    if (offset < 0 || limit < 0) {
      throw new IllegalArgumentException("offset and limit must be >= 0, got offset " + offset + ", limit " + limit);
    }
    if (limit == 0) {
      return java.util.Optional.empty();
    }
    String sql = SELECT_BY_DEVICE + (states.isEmpty() ? "" : " AND " + stateIn(states))
        + " ORDER BY created_at, id LIMIT #{limit} OFFSET #{offset}";
    return java.util.Optional.of(Map.entry(sql, Map.of("deviceId", deviceId, "offset", offset, "limit", limit)));
  }
}
