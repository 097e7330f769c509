package io.homeport.store.sqlite;

import static io.homeport.store.CommandSql.DUE;
import static io.homeport.store.CommandSql.UNDELIVERED;
import static io.homeport.store.CommandSql.stateIn;
import static io.homeport.store.sql.SqlRows.bytes;
import static io.homeport.store.sql.SqlRows.instant;
import static io.homeport.store.sql.SqlRows.millis;
import static io.homeport.store.sqlite.SqlSupport.sqlMessage;

import io.homeport.command.ApplianceTarget;
import io.homeport.command.Command;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandState;
import io.homeport.command.CommandRepository;
import io.homeport.refusal.Refusal;
import io.homeport.store.CommandSql;
import io.homeport.store.StoreException;
import io.homeport.store.sql.SqlRows.Columns;
import io.vertx.core.Future;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link CommandRepository} on SQLite, through vertx-jdbc-client and SQL templates.
 *
 * <p>Reads run on the store's {@link JdbcReaders}. Every state change is one conditional {@code UPDATE ... WHERE <state it leaves> ... RETURNING},
 * so the write itself decides who wins and reports exactly the rows it changed; SQLite runs the
 * statement (its sub-select included) under the write lock. Writes go through the store's {@link
 * GroupCommitWriter}, which commits those arriving together in one transaction, each in a savepoint of
 * its own; a write that needs more than its statement starts with it (the rule of {@link SqliteStore}):
 * reads that explain a refused write, or the lookup of the command an idempotency key already names,
 * come after it.
 *
 * <p>{@code RETURNING} gives rows in no defined order; lists are sorted here, oldest first (creation
 * time, then id).
 *
 * <p>State sets and the due condition come from {@link CommandSql}, never written out here.
 */
final class SqliteCommandRepository implements CommandRepository {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteCommandRepository.class);

  private static final String COLUMNS =
      "id, device_id, action, params, state, created_at, not_before, expires_at, idempotency_key, retryable, "
          + "delivered_at, result_deadline, completed_at, result_status, result_code, result_data, deliveries, "
          + "plugin, appliance_type, appliance_address, payload, payload_type";

  private static final String INSERT =
      "INSERT INTO commands (" + COLUMNS + ") VALUES (#{id}, #{deviceId}, #{action}, #{params}, #{state}, "
          + "#{createdAt}, #{notBefore}, #{expiresAt}, #{idempotencyKey}, #{retryable}, #{deliveredAt}, "
          + "#{resultDeadline}, #{completedAt}, #{resultStatus}, #{resultCode}, #{resultData}, #{deliveries}, "
          + "#{plugin}, #{applianceType}, #{applianceAddress}, #{payload}, #{payloadType}) "
          + "ON CONFLICT (device_id, idempotency_key) DO NOTHING";
  private static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM commands WHERE id = #{id}";
  private static final String SELECT_BY_DEVICE = "SELECT " + COLUMNS + " FROM commands WHERE device_id = #{deviceId}";
  private static final String SELECT_BY_KEY =
      "SELECT " + COLUMNS + " FROM commands WHERE device_id = #{deviceId} AND idempotency_key = #{idempotencyKey}";
  /**
   * Statements about one device's due commands name the device index. Without table statistics SQLite's
   * planner prefers {@code commands_state_expires} for the due condition ({@code state IN (...) AND
   * expires_at > now}), which walks every undelivered command of every device: under a backlog each
   * hello then costs as much as the backlog (at 1,000 commands/s the command path fell behind and never
   * caught up). {@code SqliteCommandRepositoryTest} checks the plans.
   */
  static final String DEVICE_INDEX = "commands INDEXED BY commands_device_state_created";
  static final String SELECT_DUE =
      "SELECT " + COLUMNS + " FROM " + DEVICE_INDEX + " WHERE device_id = #{deviceId} AND " + DUE
          + " ORDER BY created_at, id LIMIT #{limit}";
  static final String SELECT_TO_OFFER =
      "SELECT " + COLUMNS + " FROM " + DEVICE_INDEX + " WHERE device_id = #{deviceId} AND "
          + stateIn(CommandState.OPEN)
          + " AND ((" + DUE + ") OR (state = 'DELIVERED' AND delivered_at < #{unansweredBefore}))"
          + " ORDER BY created_at, id LIMIT #{limit}";
  static final String DELIVER =
      "UPDATE commands SET state = 'DELIVERED', delivered_at = #{now}, result_deadline = #{deadline}, "
          + "deliveries = deliveries + 1 "
          + "WHERE id IN (SELECT id FROM " + DEVICE_INDEX + " WHERE device_id = #{deviceId} AND " + DUE
          + " ORDER BY created_at, id LIMIT #{limit}) "
          + "AND " + UNDELIVERED + " "
          + "RETURNING " + COLUMNS;
  /** The device's due commands that are still QUEUED (WOKEN ones stay as they are). */
  static final String MARK_WOKEN =
      "UPDATE " + DEVICE_INDEX + " SET state = 'WOKEN' "
          + "WHERE device_id = #{deviceId} AND state = 'QUEUED' AND " + DUE + " "
          + "RETURNING " + COLUMNS;
  private static final String COMPLETE =
      "UPDATE commands SET state = #{state}, completed_at = #{now}, result_status = #{resultStatus}, "
          + "result_code = #{resultCode}, result_data = #{resultData} "
          + "WHERE id = #{id} AND device_id = #{deviceId} AND " + stateIn(CommandState.ACCEPTING_RESULT) + " "
          + "RETURNING " + COLUMNS;
  private static final String CANCEL =
      "UPDATE commands SET state = 'CANCELLED', completed_at = #{now} "
          + "WHERE id = #{id} AND " + UNDELIVERED + " "
          + "RETURNING " + COLUMNS;
  private static final String EXPIRE =
      "UPDATE commands SET state = 'EXPIRED', completed_at = #{now} "
          + "WHERE " + UNDELIVERED + " AND expires_at <= #{now} "
          + "RETURNING " + COLUMNS;
  /** Retryable, unexpired commands past their result deadline go back to the queue. */
  private static final String REQUEUE =
      "UPDATE commands SET state = 'QUEUED', delivered_at = NULL, result_deadline = NULL "
          + "WHERE state = 'DELIVERED' AND result_deadline <= #{now} AND retryable = 1 AND expires_at > #{now} "
          + "RETURNING " + COLUMNS;
  /** Runs after {@link #REQUEUE} in the same transaction: what is still DELIVERED and overdue times out. */
  private static final String TIME_OUT =
      "UPDATE commands SET state = 'TIMED_OUT', completed_at = #{now} "
          + "WHERE state = 'DELIVERED' AND result_deadline <= #{now} "
          + "RETURNING " + COLUMNS;
  private static final String DEVICES_WITH_DUE =
      "SELECT DISTINCT device_id FROM commands WHERE " + DUE + " ORDER BY device_id";
  private static final String DEVICES_WITH_UNANSWERED = "SELECT DISTINCT device_id FROM commands "
      + "WHERE state = 'DELIVERED' AND delivered_at < #{before} ORDER BY device_id";

  /** Oldest first: creation time, then id. */
  private static final Comparator<Command> OLDEST_FIRST =
      Comparator.comparing(Command::createdAt).thenComparing(Command::id);

  private final JdbcReaders readers;
  private final GroupCommitWriter writer;

  SqliteCommandRepository(JdbcReaders readers, GroupCommitWriter writer) {
    this.readers = readers;
    this.writer = writer;
  }

  // ---------------------------------------------------------------------------------------- create

  @Override
  public Future<Created> create(Command command) {
    Objects.requireNonNull(command, "command");
    if (command.state() != CommandState.QUEUED) {
      return Future.failedFuture(new IllegalArgumentException(
          "a new command must be QUEUED, " + command.id() + " is " + command.state()));
    }
    Map<String, Object> p = params(command);
    // The insert comes first, so the transaction starts with a write and holds the write lock when an
    // idempotency conflict is found: the command that caused it is committed and visible to the lookup.
    return writer.write(session -> {
          if (session.update(INSERT, p) == 1) {
            return new Created(command, true);
          }
          return one(session, SELECT_BY_KEY, p).map(existing -> new Created(existing, false))
              .orElseThrow(() -> new StoreException(
                  "command " + command.id() + " was neither stored nor found by its idempotency key"));
        })
        .recover(e -> Future.failedFuture(translateCreateFailure(e, command)))
        .onSuccess(c -> {
          if (c.created()) {
            LOG.debug("queued command {} ({}) for device {}", command.id(), command.action(), command.deviceId());
          } else {
            LOG.debug("idempotency key of command {} for device {} names command {}: not stored again",
                command.id(), command.deviceId(), c.command().id());
          }
        });
  }

  private static Throwable translateCreateFailure(Throwable failure, Command command) {
    String message = String.valueOf(sqlMessage(failure));
    if (message.contains("FOREIGN KEY constraint failed")) {
      return new Refusal.NotFound("device " + command.deviceId() + " does not exist");
    }
    if (message.contains("UNIQUE constraint failed: commands.id")) {
      return new Refusal.Duplicate("id", "a command with id '" + command.id() + "' already exists");
    }
    return failure;
  }

  // ----------------------------------------------------------------------------------------- reads

  @Override
  public Future<Optional<Command>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return readers.read(session -> one(session, SELECT_BY_ID, Map.of("id", id)));
  }

  @Override
  public Future<List<Command>> listByDevice(String deviceId, Set<CommandState> states, int offset, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(states, "states");
    states.forEach(s -> Objects.requireNonNull(s, "states contains null"));
    if (offset < 0 || limit < 0) {
      return Future.failedFuture(new IllegalArgumentException(
          "offset and limit must be >= 0, got offset " + offset + ", limit " + limit));
    }
    if (limit == 0) {
      return Future.succeededFuture(List.of());
    }
    String sql = SELECT_BY_DEVICE + (states.isEmpty() ? "" : " AND " + stateIn(states))
        + " ORDER BY created_at, id LIMIT #{limit} OFFSET #{offset}";
    return readers.read(session -> list(session, sql, Map.of("deviceId", deviceId, "offset", offset, "limit", limit)));
  }

  @Override
  public Future<List<Command>> due(String deviceId, Instant now, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(now, "now");
    return upTo(limit, () -> readers.read(session ->
        list(session, SELECT_DUE, Map.of("deviceId", deviceId, "now", now.toEpochMilli(), "limit", limit))));
  }

  @Override
  public Future<List<Command>> toOffer(String deviceId, Instant now, Instant unansweredBefore, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(unansweredBefore, "unansweredBefore");
    return upTo(limit, () -> readers.read(session -> list(session, SELECT_TO_OFFER, Map.of("deviceId", deviceId,
        "now", now.toEpochMilli(), "unansweredBefore", unansweredBefore.toEpochMilli(), "limit", limit))));
  }

  @Override
  public Future<List<String>> devicesWithDueCommands(Instant now) {
    Objects.requireNonNull(now, "now");
    return readers.read(session ->
        session.query(DEVICES_WITH_DUE, Map.of("now", now.toEpochMilli()), row -> (String) row.value("device_id")));
  }

  @Override
  public Future<List<String>> devicesWithUnansweredDeliveries(Instant deliveredBefore) {
    Objects.requireNonNull(deliveredBefore, "deliveredBefore");
    return readers.read(session -> session.query(DEVICES_WITH_UNANSWERED,
        Map.of("before", deliveredBefore.toEpochMilli()), row -> (String) row.value("device_id")));
  }

  // ------------------------------------------------------------------------------------- delivery

  @Override
  public Future<List<Command>> deliver(String deviceId, Instant now, Duration resultTimeout, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(resultTimeout, "resultTimeout");
    if (resultTimeout.isNegative()) {
      return Future.failedFuture(new IllegalArgumentException("resultTimeout must not be negative: " + resultTimeout));
    }
    Map<String, Object> p = new HashMap<>();
    p.put("deviceId", deviceId);
    p.put("now", now.toEpochMilli());
    p.put("deadline", now.plus(resultTimeout).toEpochMilli());
    p.put("limit", limit);
    // one statement: the sub-select picks the oldest due commands and the update, under the write lock,
    // moves exactly those still undelivered; RETURNING reports only what this call changed
    return upTo(limit, () -> writer.write(session -> list(session, DELIVER, p)))
        .onSuccess(delivered -> {
          if (!delivered.isEmpty()) {
            LOG.debug("delivered {} command(s) to device {}", delivered.size(), deviceId);
          }
        });
  }

  @Override
  public Future<List<Command>> markWoken(String deviceId, Instant now) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(now, "now");
    Map<String, Object> p = Map.of("deviceId", deviceId, "now", now.toEpochMilli());
    return writer.write(session -> list(session, MARK_WOKEN, p));
  }

  // ----------------------------------------------------------------------------------- transitions

  @Override
  public Future<Command> complete(String id, String deviceId, CommandResult result, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(now, "now");
    Map<String, Object> p = new HashMap<>();
    p.put("id", id);
    p.put("deviceId", deviceId);
    p.put("state", result.finalState().name());
    p.put("now", now.toEpochMilli());
    p.put("resultStatus", result.status().wireName());
    p.put("resultCode", result.code());
    p.put("resultData", result.dataJson());
    return writer.write(session -> {
          Optional<Command> updated = one(session, COMPLETE, p);
          if (updated.isPresent()) {
            return updated.get();
          }
          throw whyNotCompletable(id, deviceId, one(session, SELECT_BY_ID, p));
        })
        .onSuccess(c -> LOG.debug("command {} of device {} completed: {}", id, deviceId, c.state()));
  }

  private static RuntimeException whyNotCompletable(String id, String deviceId, Optional<Command> found) {
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

  @Override
  public Future<Command> cancel(String id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    Map<String, Object> p = Map.of("id", id, "now", now.toEpochMilli());
    return writer.write(session -> {
          Optional<Command> updated = one(session, CANCEL, p);
          if (updated.isPresent()) {
            return updated.get();
          }
          Optional<Command> found = one(session, SELECT_BY_ID, p);
          throw found.isEmpty()
              ? new Refusal.NotFound("command " + id + " does not exist")
              : new Refusal.Conflict("cannot cancel command " + id + ": it is " + found.get().state().wireName());
        })
        .onSuccess(c -> LOG.debug("cancelled command {}", id));
  }

  @Override
  public Future<List<Command>> expire(Instant now) {
    Objects.requireNonNull(now, "now");
    return writer.write(session -> list(session, EXPIRE, Map.of("now", now.toEpochMilli())))
        .onSuccess(expired -> {
          if (!expired.isEmpty()) {
            LOG.debug("{} command(s) expired", expired.size());
          }
        });
  }

  @Override
  public Future<List<Command>> timeOut(Instant now) {
    Objects.requireNonNull(now, "now");
    Map<String, Object> p = Map.of("now", now.toEpochMilli());
    return writer.write(session -> {
          List<Command> all = new ArrayList<>(list(session, REQUEUE, p));
          all.addAll(list(session, TIME_OUT, p));
          all.sort(OLDEST_FIRST);
          return List.copyOf(all);
        })
        .onSuccess(changed -> {
          if (!changed.isEmpty()) {
            LOG.debug("{} delivered command(s) without a result in time", changed.size());
          }
        });
  }

  // --------------------------------------------------------------------------------------- helpers

  private static Optional<Command> one(JdbcSession session, String sql, Map<String, Object> params)
      throws SQLException {
    return session.query(sql, params, SqliteCommandRepository::toCommand).stream().findFirst();
  }

  /** Fails a negative limit, answers no commands for a zero limit, runs the statement otherwise. */
  private static Future<List<Command>> upTo(int limit, Supplier<Future<List<Command>>> statement) {
    if (limit < 0) {
      return Future.failedFuture(new IllegalArgumentException("limit must be >= 0: " + limit));
    }
    return limit == 0 ? Future.succeededFuture(List.of()) : statement.get();
  }

  /** The rows of a query or of an {@code UPDATE ... RETURNING}, oldest first. */
  private static List<Command> list(JdbcSession session, String sql, Map<String, Object> params)
      throws SQLException {
    return session.query(sql, params, SqliteCommandRepository::toCommand).stream().sorted(OLDEST_FIRST).toList();
  }

  private static Map<String, Object> params(Command c) {
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
    p.put("retryable", c.retryable() ? 1 : 0);
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

  static Command toCommand(Columns row) {
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
        bool(row, "retryable"),
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

  private static long number(Columns row, String column) {
    Object value = row.value(column);
    if (value instanceof Number number) {
      return number.longValue();
    }
    String held = value == null ? "NULL" : value.getClass().getSimpleName();
    throw new StoreException("column " + column + " holds " + held + ", not a number");
  }

  private static boolean bool(Columns row, String column) {
    Object value = row.value(column);
    if (value instanceof Boolean b) {
      return b;
    }
    return number(row, column) != 0;
  }

}
