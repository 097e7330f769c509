package io.homeport.store.pg;

import io.homeport.store.EventRepositoryContract;
import io.homeport.store.Store;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** The event repository contract on the PostgreSQL store, one fresh schema per test. */
class PgEventRepositoryTest extends EventRepositoryContract {

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
