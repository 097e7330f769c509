package io.homeport.store.sqlite;

import io.homeport.store.AddressListRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The address-list repository contract on the embedded SQLite store, one fresh database file per test. */
class SqliteAddressListRepositoryTest extends AddressListRepositoryContract {

  @TempDir Path dir;

  @Override
  protected Future<Store> openStore(Vertx vertx) {
    return SqliteStore.open(vertx, dir.resolve("homeport.db")).map(store -> store);
  }
}
