package io.homeport.store.sqlite;

import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.sql.SQLException;

/** Thread hand-over and error helpers of the SQLite store's own JDBC threads. */
final class SqlSupport {
  private SqlSupport() {}

  /** Completes a promise of the store's own threads on the caller's context (at once when there is none). */
  static <T> void complete(Context caller, Promise<T> promise, T result, Throwable failure) {
    if (caller == null) {
      completeNow(promise, result, failure);
    } else {
      caller.runOnContext(v -> completeNow(promise, result, failure));
    }
  }

  private static <T> void completeNow(Promise<T> promise, T result, Throwable failure) {
    if (failure == null) {
      promise.complete(result);
    } else {
      promise.fail(failure);
    }
  }

  static String sqlMessage(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException) {
        return t.getMessage();
      }
    }
    return failure.getMessage();
  }
}
