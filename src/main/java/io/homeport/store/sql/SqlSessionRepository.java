package io.homeport.store.sql;

import static io.homeport.store.sql.SqlRows.bytes;
import static io.homeport.store.sql.SqlRows.instant;
import static io.homeport.store.sql.SqlRows.millis;
import static io.homeport.store.sql.SqlRows.queryAll;
import static io.homeport.store.sql.SqlRows.queryOne;

import io.homeport.refusal.Refusal;
import io.homeport.rendezvous.EndReport;
import io.homeport.rendezvous.PermissionList;
import io.homeport.rendezvous.Session;
import io.homeport.rendezvous.SessionQuery;
import io.homeport.rendezvous.SessionRepository;
import io.homeport.rendezvous.SessionState;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * {@link SessionRepository} on either SQL store, through its pool: a session is written a handful of times
 * in its life (request, judgement, extensions, end, two reports), far from the command path's load.
 *
 * <p>Every write is one statement, so it needs no transaction; {@link #update} is a single {@code UPDATE
 * ... WHERE id = ? AND state = ?}, which makes the state check and the write one atomic step: SQLite runs
 * one writer at a time, and PostgreSQL makes the second of two concurrent updates of the row wait for the
 * first and check its condition again on the committed row, so the loser finds the state changed and
 * updates no row. Instants and {@link Session#permitted()} are kept to the millisecond (epoch millis, V9): finer
 * parts are dropped on the way in.
 */
public final class SqlSessionRepository implements SessionRepository {
  /** Every column of {@code sessions}, {@code id} first; each is also the name of its template parameter. */
  private static final List<String> COLUMNS = List.of("id", "requester_id", "requester_name", "peer", "target_id",
      "target_name", "mode", "state", "reason", "ended_by", "operator", "requested_at", "consent_deadline",
      "established_at", "permitted_millis", "period_start", "expires_at", "limit_at", "extensions", "ended_at",
      "session_key", "requester_end_reason", "requester_bytes_sent", "requester_bytes_received", "requester_path",
      "requester_reported_at", "target_end_reason", "target_bytes_sent", "target_bytes_received", "target_path",
      "target_reported_at", "relay_bytes");
  private static final String REQUESTER = "requester_";
  private static final String TARGET = "target_";

  private static final String SELECT = "SELECT " + String.join(", ", COLUMNS) + " FROM sessions";
  private static final String ORDER = " ORDER BY requested_at DESC, id";
  private static final String INSERT = "INSERT INTO sessions (" + String.join(", ", COLUMNS) + ") VALUES ("
      + COLUMNS.stream().map(c -> "#{" + c + "}").collect(Collectors.joining(", ")) + ")";
  private static final String UPDATE = "UPDATE sessions SET "
      + COLUMNS.stream().skip(1).map(c -> c + " = #{" + c + "}").collect(Collectors.joining(", "))
      + " WHERE id = #{id} AND state = #{expected}";
  private static final String FIND = SELECT + " WHERE id = #{id}";
  private static final String LIVE = SELECT + " WHERE state IN ("
      + Arrays.stream(SessionState.values()).filter(s -> !s.isFinal()).map(s -> "'" + s.name() + "'")
          .collect(Collectors.joining(", "))
      + ")" + ORDER;
  private static final String DEVICE = "(requester_id = #{device} OR target_id = #{device})";
  private static final String STATE = "state = #{state}";
  private static final String DUPLICATE_ID = "sessions.id";

  private final Pool pool;
  private final SqlDialect dialect;
  /** The devices of {@link SessionQuery#visibleTo()}, given as a JSON array. */
  private final String visible;

  public SqlSessionRepository(Pool pool, SqlDialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
    String devices = dialect.jsonArrayElements("visible");
    this.visible = "(requester_id IN (" + devices + ") OR target_id IN (" + devices + "))";
  }

  @Override
  public Future<Void> insert(Session session) {
    Objects.requireNonNull(session, "session");
    return SqlRows.update(pool, INSERT, params(session)).<Void>mapEmpty()
        .recover(e -> Future.failedFuture(dialect.uniqueViolation(e).filter(DUPLICATE_ID::equals).isPresent()
            ? new Refusal.Duplicate("id", "a session with id '" + session.id() + "' already exists")
            : e));
  }

  @Override
  public Future<Boolean> update(Session updated, SessionState expected) {
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(expected, "expected");
    Map<String, Object> p = params(updated);
    p.put("expected", expected.name());
    return SqlRows.update(pool, UPDATE, p).map(rows -> rows == 1);
  }

  @Override
  public Future<Optional<Session>> find(String id) {
    Objects.requireNonNull(id, "id");
    return queryOne(pool, FIND, SqlSessionRepository::toSession, Map.of("id", id));
  }

  @Override
  public Future<List<Session>> list(SessionQuery query) {
    Objects.requireNonNull(query, "query");
    List<String> conditions = new ArrayList<>();
    Map<String, Object> p = new HashMap<>();
    if (query.device() != null) {
      conditions.add(DEVICE);
      p.put("device", query.device());
    }
    if (query.state() != null) {
      conditions.add(STATE);
      p.put("state", query.state().name());
    }
    if (query.visibleTo() != null) {
      conditions.add(visible);
      p.put("visible", new JsonArray(List.copyOf(query.visibleTo())).encode());
    }
    p.put("offset", query.offset());
    p.put("limit", query.limit());
    String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
    return queryAll(pool, SELECT + where + ORDER + " LIMIT #{limit} OFFSET #{offset}",
        SqlSessionRepository::toSession, p);
  }

  @Override
  public Future<List<Session>> live() {
    return queryAll(pool, LIVE, SqlSessionRepository::toSession, Map.of());
  }

  /** The session's values by column name (a map that takes nulls). */
  private static Map<String, Object> params(Session s) {
    Map<String, Object> p = new HashMap<>();
    p.put("id", s.id());
    p.put("requester_id", s.requesterId());
    p.put("requester_name", s.requesterName());
    p.put("peer", s.peer());
    p.put("target_id", s.targetId());
    p.put("target_name", s.targetName());
    p.put("mode", s.mode() == null ? null : s.mode().name());
    p.put("state", s.state().name());
    p.put("reason", s.reason());
    p.put("ended_by", s.endedBy());
    p.put("operator", s.operator());
    p.put("requested_at", millis(s.requestedAt()));
    p.put("consent_deadline", millis(s.consentDeadline()));
    p.put("established_at", millis(s.establishedAt()));
    p.put("permitted_millis", s.permitted() == null ? null : s.permitted().toMillis());
    p.put("period_start", millis(s.periodStart()));
    p.put("expires_at", millis(s.expiresAt()));
    p.put("limit_at", millis(s.limit()));
    p.put("extensions", s.extensions());
    p.put("ended_at", millis(s.endedAt()));
    p.put("session_key", s.key());
    putReport(p, REQUESTER, s.requesterReport());
    putReport(p, TARGET, s.targetReport());
    p.put("relay_bytes", s.relayBytes());
    return p;
  }

  private static void putReport(Map<String, Object> p, String side, EndReport report) {
    p.put(side + "end_reason", report == null ? null : report.reason());
    p.put(side + "bytes_sent", report == null ? null : report.bytesSent());
    p.put(side + "bytes_received", report == null ? null : report.bytesReceived());
    p.put(side + "path", report == null ? null : report.path());
    p.put(side + "reported_at", report == null ? null : millis(report.at()));
  }

  private static Session toSession(Row row) {
    String mode = row.getString("mode");
    Long permitted = row.getLong("permitted_millis");
    return new Session(row.getString("id"), row.getString("requester_id"), row.getString("requester_name"),
        row.getString("peer"), row.getString("target_id"), row.getString("target_name"),
        mode == null ? null : PermissionList.Mode.valueOf(mode), SessionState.valueOf(row.getString("state")),
        row.getString("reason"), row.getString("ended_by"), row.getString("operator"), instant(row, "requested_at"),
        instant(row, "consent_deadline"), instant(row, "established_at"),
        permitted == null ? null : Duration.ofMillis(permitted), instant(row, "period_start"),
        instant(row, "expires_at"), instant(row, "limit_at"), row.getInteger("extensions"), instant(row, "ended_at"),
        bytes(row, "session_key"), report(row, REQUESTER), report(row, TARGET), row.getLong("relay_bytes"));
  }

  /** The side's end report; null when it has not reported (its {@code reported_at} is NULL). */
  private static EndReport report(Row row, String side) {
    if (row.getValue(side + "reported_at") == null) {
      return null;
    }
    return new EndReport(row.getString(side + "end_reason"), row.getLong(side + "bytes_sent"),
        row.getLong(side + "bytes_received"), row.getString(side + "path"), instant(row, side + "reported_at"));
  }
}
