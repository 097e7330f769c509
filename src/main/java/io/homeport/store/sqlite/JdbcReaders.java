package io.homeport.store.sqlite;

import io.homeport.store.StoreException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;

/**
 * Reads of the command path on threads and connections of the store's own, in plain JDBC with
 * prepared statements kept open. Through the pool every read is a hand-over to a worker and back, and
 * vertx-jdbc decodes each numeric column of SQLite by first asking for a type the driver refuses (an
 * exception per column); at a thousand commands a second, with several reads each, both cost more than
 * the reads. Each thread keeps its own auto-commit connection: every read sees what was committed when
 * it starts (WAL), beside the writer.
 */
final class JdbcReaders {
  /** A read on one of the readers' sessions. */
  @FunctionalInterface
  interface Work<T> {
    T run(JdbcSession session) throws SQLException;
  }

  private final DataSource dataSource;
  private final ThreadPoolExecutor threads;
  private final ThreadLocal<JdbcSession> session = new ThreadLocal<>();
  private final List<JdbcSession> sessions = new ArrayList<>();

  JdbcReaders(DataSource dataSource, int threadCount) {
    this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    AtomicInteger n = new AtomicInteger();
    this.threads = new ThreadPoolExecutor(threadCount, threadCount, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "homeport-store-reader-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /** Runs the read on a reader thread; its result on the caller's context. */
  <T> Future<T> read(Work<T> work) {
    Objects.requireNonNull(work, "work");
    Context caller = Vertx.currentContext();
    Promise<T> promise = Promise.promise();
    try {
      threads.execute(() -> {
        T result = null;
        Throwable failure = null;
        try {
          result = work.run(session());
        } catch (SQLException | RuntimeException e) {
          failure = e;
        }
        SqlSupport.complete(caller, promise, result, failure);
      });
    } catch (RejectedExecutionException stopped) {
      return Future.failedFuture(new StoreException("the store is closed"));
    }
    return promise.future();
  }

  private JdbcSession session() throws SQLException {
    JdbcSession s = session.get();
    if (s == null) {
      s = new JdbcSession(dataSource.getConnection());
      session.set(s);
      synchronized (sessions) {
        sessions.add(s);
      }
    }
    return s;
  }

  /** Stops the threads once the reads queued so far are done, then closes their connections. */
  Future<Void> close() {
    threads.shutdown();
    Promise<Void> closed = Promise.promise();
    Thread t = new Thread(() -> {
      try {
        threads.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (sessions) {
        sessions.forEach(JdbcSession::close);
        sessions.clear();
      }
      closed.complete();
    }, "homeport-store-readers-close");
    t.setDaemon(true);
    t.start();
    return closed.future();
  }
}
