package io.homeport.store.sqlite;

import static io.homeport.store.sql.CommandStatements.CANCEL;
import static io.homeport.store.sql.CommandStatements.COMPLETE;
import static io.homeport.store.sql.CommandStatements.DEVICES_WITH_DUE;
import static io.homeport.store.sql.CommandStatements.DEVICES_WITH_UNANSWERED;
import static io.homeport.store.sql.CommandStatements.EXPIRE;
import static io.homeport.store.sql.CommandStatements.INSERT;
import static io.homeport.store.sql.CommandStatements.OLDEST_FIRST;
import static io.homeport.store.sql.CommandStatements.REQUEUE;
import static io.homeport.store.sql.CommandStatements.SELECT_BY_ID;
import static io.homeport.store.sql.CommandStatements.SELECT_BY_KEY;
import static io.homeport.store.sql.CommandStatements.TIME_OUT;
import static io.homeport.store.sql.CommandStatements.completeParams;
import static io.homeport.store.sql.CommandStatements.createFailure;
import static io.homeport.store.sql.CommandStatements.notCancellable;
import static io.homeport.store.sql.CommandStatements.notCompletable;
import static io.homeport.store.sql.CommandStatements.params;

import io.homeport.command.Command;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandState;
import io.homeport.command.CommandRepository;
import io.homeport.store.CommandSql;
import io.homeport.store.sql.CommandStatements;
import io.homeport.store.StoreException;
import io.vertx.core.Future;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * <p>The statements, row mapping and refusals are {@link CommandStatements}'s, shared with PostgreSQL.
 */
final class SqliteCommandRepository implements CommandRepository {

  private static final Logger LOG = LoggerFactory.getLogger(SqliteCommandRepository.class);

  /**
   * Statements about one device's due commands name the device index. Without table statistics SQLite's
   * planner prefers {@code commands_state_expires} for the due condition ({@code state IN (...) AND
   * expires_at > now}), which walks every undelivered command of every device: under a backlog each
   * hello then costs as much as the backlog (at 1,000 commands/s the command path fell behind and never
   * caught up). {@code SqliteCommandRepositoryTest} checks the plans.
   */
  static final String DEVICE_INDEX = "commands INDEXED BY commands_device_state_created";
  static final String SELECT_DUE = CommandStatements.selectDue(DEVICE_INDEX);
  static final String SELECT_TO_OFFER = CommandStatements.selectToOffer(DEVICE_INDEX);
  static final String DELIVER = CommandStatements.deliver(DEVICE_INDEX, "");
  static final String MARK_WOKEN = CommandStatements.markWoken(DEVICE_INDEX);

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
    Map<String, Object> p = params(SqliteDialect.INSTANCE, command);
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
        .recover(e -> Future.failedFuture(createFailure(SqliteDialect.INSTANCE, e, command)))
        .onSuccess(c -> {
          if (c.created()) {
            LOG.debug("queued command {} ({}) for device {}", command.id(), command.action(), command.deviceId());
          } else {
            LOG.debug("idempotency key of command {} for device {} names command {}: not stored again",
                command.id(), command.deviceId(), c.command().id());
          }
        });
  }

  // ----------------------------------------------------------------------------------------- reads

  @Override
  public Future<Optional<Command>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return readers.read(session -> one(session, SELECT_BY_ID, Map.of("id", id)));
  }

  @Override
  public Future<List<Command>> listByDevice(String deviceId, Set<CommandState> states, int offset, int limit) {
    try {
      return CommandStatements.listByDevice(deviceId, states, offset, limit)
          .map(q -> readers.read(session -> list(session, q.getKey(), q.getValue())))
          .orElseGet(() -> Future.succeededFuture(List.of()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
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
    Map<String, Object> p = completeParams(id, deviceId, result, now.toEpochMilli());
    return writer.write(session -> {
          Optional<Command> updated = one(session, COMPLETE, p);
          if (updated.isPresent()) {
            return updated.get();
          }
          throw notCompletable(id, deviceId, one(session, SELECT_BY_ID, p));
        })
        .onSuccess(c -> LOG.debug("command {} of device {} completed: {}", id, deviceId, c.state()));
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
          throw notCancellable(id, one(session, SELECT_BY_ID, p));
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
    return session.query(sql, params, CommandStatements::toCommand).stream().findFirst();
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
    return session.query(sql, params, CommandStatements::toCommand).stream().sorted(OLDEST_FIRST).toList();
  }
}
