package io.homeport.store.sqlite;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The store's writer: group commit. Writes handed to {@link #write} queue up and run one after the other
 * on one connection, as many as are waiting (up to {@value #MAX_WRITES} at a time), in one transaction:
 * SQLite commits that transaction once for all of them, and writers no longer wait for each other's locks
 * through the busy handler (which sleeps whole milliseconds).
 *
 * <p>Each write runs inside its own savepoint: a write that fails is rolled back to it and fails alone,
 * the others of the transaction go on, so nothing of a failed write is ever committed. A write's future
 * completes only once the transaction holding it committed (or failed), so a caller never acts on a
 * write that a later failure of the transaction took back; when the commit fails, every write of the
 * transaction fails with that cause.
 *
 * <p>The first write after a quiet period starts a transaction at once. Under load, transactions start
 * at most one {@code window} apart (counted from the previous commit): writes arriving in between wait
 * for the next one. That bounds write transactions to {@code 1 / window} per second whatever the write
 * rate, and adds at most {@code window} to a write's latency.
 *
 * <p>Futures complete on the context that called {@link #write} (directly when it was called outside
 * Vert.x). Every write of this class's users starts with a writing statement (the rule of {@link
 * SqliteStore}); the transaction takes the write lock with the first one.
 */
final class GroupCommitWriter {

  /** Writes in one transaction at most, so that a long queue does not hold the write lock for long. */
  static final int MAX_WRITES = 256;

  private final Vertx vertx;
  private final Pool pool;
  private final long windowNanos;
  private final ConcurrentLinkedQueue<Write<?>> queue = new ConcurrentLinkedQueue<>();
  /** True while a transaction is scheduled or running: one at a time. */
  private final AtomicBoolean busy = new AtomicBoolean();
  /** Written by the one running transaction only. */
  private volatile long lastCommitNanos;

  GroupCommitWriter(Vertx vertx, Pool pool, java.time.Duration window) {
    this.vertx = Objects.requireNonNull(vertx, "vertx");
    this.pool = Objects.requireNonNull(pool, "pool");
    this.windowNanos = window.toNanos();
    this.lastCommitNanos = System.nanoTime() - windowNanos;
  }

  /**
   * Runs the work in the next transaction, inside a savepoint of its own.
   *
   * @param work the statements, on the writer's connection; the first one writes
   * @return the work's result once the transaction committed; its own failure (nothing of it committed),
   *     or the transaction's
   */
  <T> Future<T> write(Function<SqlConnection, Future<T>> work) {
    Objects.requireNonNull(work, "work");
    Write<T> w = new Write<>(work, Promise.promise(), Vertx.currentContext());
    queue.add(w);
    if (busy.compareAndSet(false, true)) {
      schedule();
    }
    return w.promise.future();
  }

  private void schedule() {
    long wait = lastCommitNanos + windowNanos - System.nanoTime();
    if (wait >= 1_000_000) {
      vertx.setTimer(wait / 1_000_000, t -> runTransaction());
    } else {
      runTransaction();
    }
  }

  private void runTransaction() {
    Write<?> first = queue.poll();
    if (first == null) {
      idle();
      return;
    }
    List<Write<?>> writes = new ArrayList<>();
    writes.add(first);
    pool.withTransaction(conn -> runEach(conn, writes, 0))
        .onComplete(ar -> {
          lastCommitNanos = System.nanoTime();
          for (Write<?> w : writes) {
            w.finish(ar.failed() ? ar.cause() : null);
          }
          idle();
        });
  }

  /** Runs writes[i], then takes the next write from the queue, until it is empty or the transaction full. */
  private Future<Void> runEach(SqlConnection conn, List<Write<?>> writes, int i) {
    return writes.get(i).runIn(conn).compose(v -> {
      if (writes.size() < MAX_WRITES) {
        Write<?> next = queue.poll();
        if (next != null) {
          writes.add(next);
          return runEach(conn, writes, i + 1);
        }
      }
      return Future.succeededFuture();
    });
  }

  private void idle() {
    busy.set(false);
    // a write queued after the last poll found the flag set: start its transaction now
    if (!queue.isEmpty() && busy.compareAndSet(false, true)) {
      schedule();
    }
  }

  private static final class Write<T> {
    private final Function<SqlConnection, Future<T>> work;
    private final Promise<T> promise;
    private final Context caller;
    private T result;
    private Throwable failure;

    Write(Function<SqlConnection, Future<T>> work, Promise<T> promise, Context caller) {
      this.work = work;
      this.promise = promise;
      this.caller = caller;
    }

    /**
     * Runs the work in a savepoint; its own failure rolls back to the savepoint and is kept for the
     * caller. Fails only when the savepoint statements themselves fail, which ends the transaction.
     */
    Future<Void> runIn(SqlConnection conn) {
      return conn.query("SAVEPOINT homeport_write").execute()
          .compose(s -> {
            Future<T> done;
            try {
              done = work.apply(conn);
            } catch (RuntimeException e) {
              done = Future.failedFuture(e);
            }
            return done.transform(ar -> {
              if (ar.succeeded()) {
                result = ar.result();
                return conn.query("RELEASE homeport_write").execute().mapEmpty();
              }
              failure = ar.cause();
              return conn.query("ROLLBACK TO homeport_write").execute()
                  .compose(r -> conn.query("RELEASE homeport_write").execute()).mapEmpty();
            });
          });
    }

    /** Completes the caller's future on its context: with the result unless the work or the transaction failed. */
    void finish(Throwable transactionFailure) {
      Throwable cause = failure != null ? failure : transactionFailure;
      if (caller == null || caller == Vertx.currentContext()) {
        complete(cause);
      } else {
        caller.runOnContext(v -> complete(cause));
      }
    }

    private void complete(Throwable cause) {
      if (cause == null) {
        promise.complete(result);
      } else {
        promise.fail(cause);
      }
    }
  }
}
