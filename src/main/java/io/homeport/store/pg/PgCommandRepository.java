package io.homeport.store.pg;

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
import static io.homeport.store.sql.SqlRows.queryAll;
import static io.homeport.store.sql.SqlRows.queryOne;
import static io.homeport.store.sql.SqlRows.update;

import io.homeport.command.Command;
import io.homeport.command.CommandRepository;
import io.homeport.command.CommandResult;
import io.homeport.command.CommandState;
import io.homeport.store.StoreException;
import io.homeport.store.sql.CommandStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
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

/**
 * {@link CommandRepository} on PostgreSQL, through the pool, with {@link CommandStatements}' statements.
 *
 * <p>Every state change is one conditional {@code UPDATE ... RETURNING}: of two concurrent updates of a
 * command, PostgreSQL makes the second wait for the first and evaluates its condition again on the
 * committed row, so exactly one moves it. A delivery's sub-select skips the commands concurrent
 * deliveries have locked ({@link #DELIVER}), so racing deliveries share a device's backlog instead of
 * finding each other's picks gone. Of concurrent creates with one idempotency key, the unique key makes
 * the later inserts wait for the first and then insert nothing; their lookup, a statement of its own,
 * sees the first one's command.
 */
final class PgCommandRepository implements CommandRepository {

  private static final String SELECT_DUE = CommandStatements.selectDue("commands");
  private static final String SELECT_TO_OFFER = CommandStatements.selectToOffer("commands");
  private static final String DELIVER = CommandStatements.deliver("commands", " FOR UPDATE SKIP LOCKED");
  private static final String MARK_WOKEN = CommandStatements.markWoken("commands");

  private final Pool pool;

  PgCommandRepository(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<Created> create(Command command) {
    Objects.requireNonNull(command, "command");
    if (command.state() != CommandState.QUEUED) {
      return Future.failedFuture(new IllegalArgumentException(
          "a new command must be QUEUED, " + command.id() + " is " + command.state()));
    }
    Map<String, Object> p = params(PgDialect.INSTANCE, command);
    return update(pool, INSERT, p)
        .compose(inserted -> inserted == 1
            ? Future.succeededFuture(new Created(command, true))
            : one(pool, SELECT_BY_KEY, p).map(existing -> new Created(existing.orElseThrow(() -> new StoreException(
                "command " + command.id() + " was neither stored nor found by its idempotency key")), false)))
        .recover(e -> Future.failedFuture(createFailure(PgDialect.INSTANCE, e, command)));
  }

  @Override
  public Future<Optional<Command>> findById(String id) {
    Objects.requireNonNull(id, "id");
    return one(pool, SELECT_BY_ID, Map.of("id", id));
  }

  @Override
  public Future<List<Command>> listByDevice(String deviceId, Set<CommandState> states, int offset, int limit) {
    try {
      return CommandStatements.listByDevice(deviceId, states, offset, limit)
          .map(q -> list(pool, q.getKey(), q.getValue())).orElseGet(() -> Future.succeededFuture(List.of()));
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public Future<List<Command>> due(String deviceId, Instant now, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(now, "now");
    return upTo(limit, () -> list(pool, SELECT_DUE,
        Map.of("deviceId", deviceId, "now", now.toEpochMilli(), "limit", limit)));
  }

  @Override
  public Future<List<Command>> toOffer(String deviceId, Instant now, Instant unansweredBefore, int limit) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(now, "now");
    Objects.requireNonNull(unansweredBefore, "unansweredBefore");
    return upTo(limit, () -> list(pool, SELECT_TO_OFFER, Map.of("deviceId", deviceId, "now", now.toEpochMilli(),
        "unansweredBefore", unansweredBefore.toEpochMilli(), "limit", limit)));
  }

  @Override
  public Future<List<String>> devicesWithDueCommands(Instant now) {
    Objects.requireNonNull(now, "now");
    return queryAll(pool, DEVICES_WITH_DUE, row -> row.getString("device_id"), Map.of("now", now.toEpochMilli()));
  }

  @Override
  public Future<List<String>> devicesWithUnansweredDeliveries(Instant deliveredBefore) {
    Objects.requireNonNull(deliveredBefore, "deliveredBefore");
    return queryAll(pool, DEVICES_WITH_UNANSWERED, row -> row.getString("device_id"),
        Map.of("before", deliveredBefore.toEpochMilli()));
  }

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
    return upTo(limit, () -> list(pool, DELIVER, p));
  }

  @Override
  public Future<List<Command>> markWoken(String deviceId, Instant now) {
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(now, "now");
    return list(pool, MARK_WOKEN, Map.of("deviceId", deviceId, "now", now.toEpochMilli()));
  }

  @Override
  public Future<Command> complete(String id, String deviceId, CommandResult result, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(deviceId, "deviceId");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(now, "now");
    Map<String, Object> p = completeParams(id, deviceId, result, now.toEpochMilli());
    return one(pool, COMPLETE, p).compose(updated -> updated.isPresent()
        ? Future.succeededFuture(updated.get())
        : one(pool, SELECT_BY_ID, p).compose(found -> Future.failedFuture(notCompletable(id, deviceId, found))));
  }

  @Override
  public Future<Command> cancel(String id, Instant now) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(now, "now");
    Map<String, Object> p = Map.of("id", id, "now", now.toEpochMilli());
    return one(pool, CANCEL, p).compose(updated -> updated.isPresent()
        ? Future.succeededFuture(updated.get())
        : one(pool, SELECT_BY_ID, p).compose(found -> Future.failedFuture(notCancellable(id, found))));
  }

  @Override
  public Future<List<Command>> expire(Instant now) {
    Objects.requireNonNull(now, "now");
    return list(pool, EXPIRE, Map.of("now", now.toEpochMilli()));
  }

  @Override
  public Future<List<Command>> timeOut(Instant now) {
    Objects.requireNonNull(now, "now");
    Map<String, Object> p = Map.of("now", now.toEpochMilli());
    return pool.withTransaction(conn -> list(conn, REQUEUE, p).compose(requeued -> list(conn, TIME_OUT, p)
        .map(timedOut -> {
          List<Command> all = new ArrayList<>(requeued);
          all.addAll(timedOut);
          all.sort(OLDEST_FIRST);
          return List.copyOf(all);
        })));
  }

  /** Fails a negative limit, answers no commands for a zero limit, runs the statement otherwise. */
  private static Future<List<Command>> upTo(int limit, Supplier<Future<List<Command>>> statement) {
    if (limit < 0) {
      return Future.failedFuture(new IllegalArgumentException("limit must be >= 0: " + limit));
    }
    return limit == 0 ? Future.succeededFuture(List.of()) : statement.get();
  }

  private static Future<Optional<Command>> one(SqlClient client, String sql, Map<String, Object> params) {
    return queryOne(client, sql, PgCommandRepository::toCommand, params);
  }

  /** The rows of a query or of an {@code UPDATE ... RETURNING}, oldest first. */
  private static Future<List<Command>> list(SqlClient client, String sql, Map<String, Object> params) {
    return queryAll(client, sql, PgCommandRepository::toCommand, params)
        .map(commands -> commands.stream().sorted(OLDEST_FIRST).toList());
  }

  private static Command toCommand(Row row) {
    return CommandStatements.toCommand(row::getValue);
  }
}
