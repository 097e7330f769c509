package io.homeport.store.pg;

import io.homeport.store.CommandRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The command repository contract on the PostgreSQL store, one fresh schema per test. */
class PgCommandRepositoryTest extends CommandRepositoryContract {

  private final PgTestSchema schema = new PgTestSchema();

  @Override
  protected Future<Store> openStore(Vertx vertx) {
    return schema.openStore(vertx);
  }

  @Override
  protected Future<Store> reopenStore(Vertx vertx) {
    return schema.reopenStore(vertx);
  }

  @Override
  protected Future<Void> cleanup(Vertx vertx) {
    return schema.drop(vertx);
  }
}
