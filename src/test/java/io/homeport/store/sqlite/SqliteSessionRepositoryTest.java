package io.homeport.store.sqlite;

import io.homeport.store.SessionRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The session repository contract on the embedded SQLite store, one fresh database file per test. */
class SqliteSessionRepositoryTest extends SessionRepositoryContract {

  @TempDir Path dir;

  @Override
  protected Future<Store> openStore(Vertx vertx) {
    return SqliteStore.open(vertx, dir.resolve("homeport.db")).map(store -> store);
  }
}
