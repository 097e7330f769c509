package io.homeport.store.sqlite;

import io.homeport.store.StoreException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's writer: group commit on one connection and one thread of its own. Writes handed to
 * {@link #write} queue up; the writer thread runs as many as are waiting (up to {@value #MAX_WRITES})
 * one after the other, in plain JDBC with prepared statements kept open, and commits them in one
 * transaction. Concurrent writers therefore never wait for each other's lock in SQLite's busy handler
 * (which sleeps whole milliseconds), and a write costs no thread hand-over per statement.
 *
 * <p>Each write runs inside its own savepoint: a write that fails is rolled back to it and fails alone,
 * the others of the transaction go on, so nothing of a failed write is ever committed. A write's future
 * completes only once its transaction committed, so a caller never acts on a write that a later failure
 * took back; when the commit fails, every write of the transaction fails with that cause.
 *
 * <p>The first write after a quiet period starts a transaction at once. Under load, transactions start
 * at most one {@code window} apart (counted from the previous commit): writes arriving in between wait
 * for the next one. That bounds write transactions to {@code 1 / window} per second whatever the write
 * rate, and adds at most {@code window} to a write's latency.
 *
 * <p>Futures complete on the Vert.x context that called {@link #write} (on the writer thread when it was
 * called outside Vert.x). Writes start with a writing statement (the rule of {@link SqliteStore}): the
 * transaction takes the write lock with the first one.
 */
final class GroupCommitWriter {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  /** Writes in one transaction at most, so that a long queue does not hold the write lock for long. */
  static final int MAX_WRITES = 256;

  /** One write: statements on the writer's session, run on the writer thread. */
  @FunctionalInterface
  interface Work<T> {
    T run(JdbcSession session) throws SQLException;
  }

  private final DataSource dataSource;
  private final long windowNanos;
  private final ScheduledThreadPoolExecutor thread;
  private final ConcurrentLinkedQueue<Write<?>> queue = new ConcurrentLinkedQueue<>();
  /** True while a transaction is scheduled or running: one at a time. */
  private final AtomicBoolean busy = new AtomicBoolean();
  private volatile boolean closed;

  // writer thread only
  private long lastCommitNanos;
  private JdbcSession session;

  /**
   * @param dataSource connections without the pool's auto-commit workaround: the writer runs its own
   *     transactions
   */
  GroupCommitWriter(DataSource dataSource, Duration window) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    this.windowNanos = window.toNanos();
    this.lastCommitNanos = System.nanoTime() - windowNanos;
    this.thread = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "homeport-store-writer");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Runs the work in the next transaction, inside a savepoint of its own.
   *
   * @return the work's result once the transaction committed; its own failure (nothing of it committed),
   *     or the transaction's
   */
  <T> Future<T> write(Work<T> work) {
    Objects.requireNonNull(work, "work");
    Write<T> w = new Write<>(work, Promise.promise(), Vertx.currentContext());
    if (closed) {
      return Future.failedFuture(new StoreException("the store is closed"));
    }
    queue.add(w);
    if (busy.compareAndSet(false, true)) {
      try {
        thread.execute(this::schedule);
      } catch (RejectedExecutionException stopped) {
        busy.set(false);
        queue.remove(w);
        return Future.failedFuture(new StoreException("the store is closed"));
      }
    }
    return w.promise.future();
  }

  /** Stops the writer once the writes queued so far are done; closes its connection. */
  Future<Void> close() {
    closed = true;
    Promise<Void> done = Promise.promise();
    thread.execute(() -> {
      Write<?> w;
      while ((w = queue.poll()) != null) {
        w.finish(new StoreException("the store closed before this write ran"));
      }
      closeSession();
      thread.shutdown();
      done.complete();
    });
    return done.future();
  }

  /** On the writer thread: runs the next transaction now, or once the window since the last commit has passed. */
  private void schedule() {
    long wait = lastCommitNanos + windowNanos - System.nanoTime();
    if (wait > 0) {
      thread.schedule(this::runTransaction, wait, TimeUnit.NANOSECONDS);
    } else {
      runTransaction();
    }
  }

  private void runTransaction() {
    List<Write<?>> writes = new ArrayList<>();
    Throwable failure = null;
    try {
      JdbcSession s = session();
      Write<?> w;
      while (writes.size() < MAX_WRITES && (w = queue.poll()) != null) {
        writes.add(w);
        w.runIn(s);
      }
      if (!writes.isEmpty()) {
        s.commit();
      }
    } catch (SQLException | RuntimeException e) {
      failure = e;
      LOG.warn("store writer: a transaction of {} writes failed: {}", writes.size(), e.toString());
      // a connection in an unknown state is not used again
      closeSession();
    }
    lastCommitNanos = System.nanoTime();
    for (Write<?> w : writes) {
      w.finish(failure);
    }
    busy.set(false);
    // a write queued after the last poll found the flag set: schedule its transaction (as a new task,
    // so that back-to-back transactions do not nest on the stack)
    if (!queue.isEmpty() && busy.compareAndSet(false, true)) {
      thread.execute(this::schedule);
    }
  }

  private JdbcSession session() throws SQLException {
    if (session == null) {
      Connection conn = dataSource.getConnection();
      conn.setAutoCommit(false);
      session = new JdbcSession(conn);
    }
    return session;
  }

  private void closeSession() {
    if (session != null) {
      session.close();
      session = null;
    }
  }

  private static final class Write<T> {
    private final Work<T> work;
    private final Promise<T> promise;
    private final Context caller;
    private T result;
    private Throwable failure;

    Write(Work<T> work, Promise<T> promise, Context caller) {
      this.work = work;
      this.promise = promise;
      this.caller = caller;
    }

    /**
     * Runs the work in a savepoint; its own failure rolls back to the savepoint and is kept for the
     * caller. Throws only when the savepoint itself fails, which ends the transaction.
     */
    void runIn(JdbcSession session) throws SQLException {
      Connection conn = session.connection();
      Savepoint savepoint = conn.setSavepoint();
      try {
        result = work.run(session);
      } catch (SQLException | RuntimeException e) {
        failure = e;
        conn.rollback(savepoint);
      }
      conn.releaseSavepoint(savepoint);
    }

    /** Completes the caller's future on its context: with the result unless the work or the transaction failed. */
    void finish(Throwable transactionFailure) {
      SqlSupport.complete(caller, promise, result, failure != null ? failure : transactionFailure);
    }
  }
}
