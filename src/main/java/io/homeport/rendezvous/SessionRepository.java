package io.homeport.rendezvous;

import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The durable session log (DESIGN 5): every request, accepted or not, with its times, reasons and end
 * reports. Sessions outlive the devices they name (the log is history): deleting a device keeps its
 * sessions. The behaviour is pinned down by {@code SessionRepositoryContract} in the tests.
 */
public interface SessionRepository {

  /** Stores a new session; fails when one with its id exists. */
  Future<Void> insert(Session session);

  /**
   * Replaces the stored session with {@code updated} if the stored one is still in state {@code expected}
   * (one atomic step: of two concurrent transitions from the same state exactly one wins).
   *
   * @return true when replaced, false when the session is unknown or in another state (nothing changed)
   */
  Future<Boolean> update(Session updated, SessionState expected);

  Future<Optional<Session>> find(String id);

  /** The sessions matching the query, newest request first (ties by id). */
  Future<List<Session>> list(SessionQuery query);

  /** Every session still requested or established: what the server picks up again after a restart. */
  Future<List<Session>> live();
}
